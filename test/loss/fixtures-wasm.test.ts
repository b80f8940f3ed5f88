import { fixtureSuite } from './fixtures-check';

fixtureSuite('wasm');
