/** Everything the Part 1 notebook calls, in one import: `import * as p1 from "../src/project/part1"`. */
export * from './config';
export * from './dataset';
export * from './train-or-reuse';
export * from './transfer-view';
export * from './model-view';
export * from './loss-text';
export * from './source';
export * from './optimizer-view';
export * from './figures';
export * from './evaluate';
export * from './discussion';
