/** The data pipeline for notebooks and other modules: one import, the same functions the CLI calls. */
export * from './classes';
export * from './coco';
export * from './orientation';
export * from './resize-boxes';
export * from './box-clean';
export * from './split';
export * from './prepare';
export * from './taco-mini';
export * from './download';
export * from './stats';
export * from './yolo-dataset';
export { flatName, resolveInside } from './safe-path';
export { makeRng, shuffled } from '../random';
