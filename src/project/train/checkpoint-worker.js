'use strict';
// Entry of the checkpoint-writing worker thread: file writes run here with synchronous fs calls, so they
// progress while the training step holds the main thread. Worker threads start without the TypeScript
// loader, so register tsx's CommonJS hook first.
require('tsx/cjs/api').register();
require('./checkpoint-worker-main.ts');
