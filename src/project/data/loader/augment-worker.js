'use strict';
// Entry of the augmentation worker thread. Worker threads start without the TypeScript loader, so
// register tsx's CommonJS hook here, then run the TypeScript side.
require('tsx/cjs/api').register();
require('./augment-worker-main.ts');
