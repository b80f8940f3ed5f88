/**
 * Seeded weight initialisation. Each tensor draws from its own stream, keyed by the seed and the
 * tensor's state_dict name, so a tensor's values do not depend on which others were built first.
 */

/** 32-bit FNV-1a of a string. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

import { mulberry32 } from '../random';

export { mulberry32 };

export function streamFor(seed: number, name: string): () => number {
  return mulberry32((hashString(name) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0);
}

/** n values uniform in [-bound, bound). */
export function uniform(n: number, bound: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 2 - 1) * bound;
  return out;
}

/**
 * PyTorch's default Conv2d init, kaiming_uniform_(a=sqrt(5)): gain sqrt(2/(1+5)), bound
 * gain*sqrt(3/fan_in) = 1/sqrt(fan_in). ultralytics keeps it (initialize_weights skips convs).
 * The conv bias default uses the same bound.
 */
export function convInitBound(fanIn: number): number {
  return 1 / Math.sqrt(fanIn);
}

/** ultralytics Detect.bias_init: the class-logit bias for a stride, log(5 / nc / (640 / s)^2). */
export function classBiasInit(nc: number, stride: number): number {
  return Math.log(5 / nc / (640 / stride) ** 2);
}

/** ultralytics Detect.bias_init: the box (DFL logit) bias. */
export const BOX_BIAS_INIT = 1.0;
