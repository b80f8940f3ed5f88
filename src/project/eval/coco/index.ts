/** COCO bbox evaluation identical to pycocotools: public surface. */
export { cocoEvaluate } from './cocoeval';
export type { CocoEvalOptions, CocoEvalResult } from './cocoeval';
export { readCocoGt, readCocoResults, readJsonFile } from './read';
export { validateGt, validateResults } from './validate';
export type { ValidateOptions } from './validate';
export { CocoInputError } from './types';
export type { CocoGt, CocoResult, CocoAnnotation, CocoImage, CocoCategory } from './types';
export { defaultParams, numpyLinspace } from './params';
export type { CocoEvalParams } from './params';
