/** Demos use the project's seeded generator: the same numbers on every run. */
export { mulberry32 } from '../project/random';

/** Standard normal samples by Box–Muller. */
export function gaussian(rand: () => number): () => number {
  return () => {
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}
