/**
 * Architecture rules checked by `npm test` (test/architecture/layers.test.ts runs depcruise on src/):
 * no import circles, and the product (model, loss, train, eval, data, part1) reaches compute kernels only
 * through the backend's seams (src/project/backend/ops.ts for the model and loss, backend/train-kernels.ts
 * for the trainer), never a backend's internals.
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Import circles make the load order matter and the layers unreadable.', from: {}, to: { circular: true } },
    {
      name: 'product-through-backend-seams',
      severity: 'error',
      comment: 'The product calls kernels through backend/ops.ts and backend/train-kernels.ts; the native, wasm and webgpu folders are internals.',
      from: { path: '^src/project/(model|loss|train|eval|data|part1)/' },
      to: { path: '^src/project/backend/(native|wasm|webgpu)/' },
    },
    {
      name: 'train-not-notebook',
      severity: 'error',
      comment: 'The trainer is given its progress display by the caller; train/ does not depend on the notebook layer.',
      from: { path: '^src/project/(train|model|loss|data|eval|backend)/' },
      to: { path: '^src/notebook/' },
    },
    {
      name: 'product-not-bench',
      severity: 'error',
      comment: 'Benchmarks live in src/bench and src/cli/bench; the product does not import them.',
      from: { path: '^src/project/' },
      to: { path: '^src/(bench|cli)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: 'node_modules' },
  },
};
