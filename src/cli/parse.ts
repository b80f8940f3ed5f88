/** Option parsers shared by the commands: each names the option in its error. */
export function numberOption(name: string, opts: { min?: number; integer?: boolean; positive?: boolean } = {}) {
  return (v: string): number => {
    const x = Number(v);
    const bad =
      v.trim() === '' ||
      !Number.isFinite(x) ||
      (opts.integer && !Number.isInteger(x)) ||
      (opts.min !== undefined && x < opts.min) ||
      (opts.positive && x <= 0);
    if (bad) {
      const want = [opts.integer ? 'an integer' : 'a number', opts.min !== undefined ? `>= ${opts.min}` : '', opts.positive ? '> 0' : ''].filter(Boolean).join(' ');
      throw new Error(`--${name}: want ${want}, got "${v}"`);
    }
    return x;
  };
}

export const secondsOption = numberOption('timeout', { positive: true });
