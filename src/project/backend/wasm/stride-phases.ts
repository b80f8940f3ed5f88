/**
 * The stride phases of the input gradient: with stride s, the input positions r, r+s, r+2s, ... along one
 * axis are reached by every s-th filter tap only, so each phase is a stride-1 correlation of dy with a
 * slice of the flipped filter (conv-input-grad.ts runs one conv per phase, conv-input-grad-strided.ts one
 * conv for all of them in a common tap window).
 */

/** Taps of one stride phase along one axis: which filter taps reach output positions r, r+s, r+2s, ... */
export interface Phase {
  /** First tap index in the reversed filter and how many taps (every s-th). */
  revBegin: number;
  taps: number;
  /** Output positions in this phase. */
  count: number;
  /** Padding of dy (front, back) so that a stride-1 valid conv yields `count` positions. */
  padFront: number;
  padBack: number;
  /** Filter length and stride along this axis. */
  kLen: number;
  s: number;
}

/**
 * Along one axis with stride s, dilation 1: dx[r + s*a] = sum_m dy[a + c - m] * w[k0 + s*m] where
 * k0 = (r + pad) mod s and c = (r + pad - k0) / s. Reversing the tap order turns it into a correlation.
 */
export function phaseOf(r: number, s: number, k: number, pad: number, inLen: number, dyLen: number): Phase {
  const count = Math.ceil((inLen - r) / s);
  const k0 = (((r + pad) % s) + s) % s;
  const taps = k0 >= k ? 0 : Math.ceil((k - k0) / s);
  const c = (r + pad - k0) / s;
  const padFront = taps - 1 - c;
  const padBack = count + taps - 1 - padFront - dyLen;
  // Reversed filter index of tap m' = taps-1-m:  k-1 - (k0 + s*(taps-1-m')) = revBegin + s*m'.
  const revBegin = k - 1 - k0 - s * (taps - 1);
  return { revBegin, taps, count, padFront, padBack, kLen: k, s };
}

/** The common tap window of all phases along one axis: front padding of dy, size, and which filter tap sits where. */
export function windowOf(phases: Phase[]): { front: number; size: number; tapAt(phase: number, u: number): number } {
  const live = phases.filter((p) => p.taps > 0 && p.count > 0);
  const front = Math.max(...live.map((p) => p.padFront));
  const size = Math.max(...live.map((p) => front - p.padFront + p.taps));
  return {
    front,
    size,
    /** Original (unflipped) filter index used by `phase` at window position u, or -1. */
    tapAt(phase: number, u: number): number {
      const p = phases[phase];
      if (p.taps === 0 || p.count <= 0) return -1;
      const m = u - (front - p.padFront);
      if (m < 0 || m >= p.taps) return -1;
      return p.kLen - 1 - (p.revBegin + p.s * m);
    },
  };
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
