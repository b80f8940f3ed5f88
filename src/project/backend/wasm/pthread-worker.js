'use strict';
// The pthread worker of tfjs-backend-wasm's threaded build, as a file: tfjs hands emscripten a Blob URL for
// it, which Node's worker_threads cannot load. The script is tfjs's own (a string in wasm-out/); like tfjs,
// escape its raw newlines (they sit inside string literals), and give it the CommonJS `require` and
// `__filename` it expects.
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, __filename);
