/** The project's one progress API, at the path the CLI commands import it from (see display/progress.ts). */
export { createProgress, chooseRenderer } from './display/progress';
export type { Progress, ProgressOptions, ProgressRenderer } from './display/progress';
