import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { AugmentHyp } from '../augment/pipeline';
import type { Sample } from '../augment/image';
import { assembleBatch, BatchPlan } from './batch-assembly';
import type { WorkerReply, WorkerRequest } from './augment-worker-client';

/**
 * Builds training batches off the main thread, so augmentation and collation of batch k+1 run while
 * the model step of batch k holds the main thread. Decoded images arrive once and stay here.
 */
function serve(): void {
  const { imgsz, hyp, n } = workerData as { imgsz: number; hyp: AugmentHyp; n: number };
  const images = new Map<number, Sample>();

  parentPort!.on('message', (msg: WorkerRequest) => {
    if (msg.type === 'put') {
      images.set(msg.index, msg.sample);
      return;
    }
    try {
      const plan: BatchPlan = msg.plan;
      const { px, samples } = assembleBatch(plan, n, (i) => images.get(i), imgsz, hyp);
      const reply: WorkerReply = { id: msg.id, px, samples };
      const transfer = [px.buffer, ...samples.map((s) => s.image.data.buffer)];
      parentPort!.postMessage(reply, transfer as ArrayBuffer[]);
    } catch (e) {
      parentPort!.postMessage({ id: msg.id, error: (e as Error).stack ?? String(e) } as WorkerReply);
    }
  });
}

// Importing this module elsewhere (a notebook, a test) does nothing: it serves only as a worker's entry.
if (!isMainThread && parentPort) serve();
