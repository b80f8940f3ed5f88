import { fixtureSuite } from '../loss/fixtures-check';
import { webgpuSkipReason } from './webgpu-available';

/**
 * The yolo-loss fixtures (ultralytics 8.0.200) on webgpu, at the same tolerances as on cpu and wasm.
 * The loss reads the head maps synchronously inside the gradient tape, which exercises the worker's
 * blocking readback.
 */
fixtureSuite('webgpu', webgpuSkipReason);
