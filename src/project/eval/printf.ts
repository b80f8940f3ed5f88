/** printf-style number formatting used by ultralytics' tables ('%11.3g', '%11i', '%22s'). */

/** C's %.{prec}g: prec significant digits, trailing zeros dropped, exponent form when exp < -4 or exp >= prec. */
export function formatG(x: number, prec = 3): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const e = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(prec)))));
  if (e < -4 || e >= prec) {
    const [m, ex] = x.toExponential(prec - 1).split('e');
    const exn = Number(ex);
    return `${stripZeros(m)}e${exn < 0 ? '-' : '+'}${String(Math.abs(exn)).padStart(2, '0')}`;
  }
  return stripZeros(x.toFixed(Math.max(0, prec - 1 - e)));
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

export function padLeft(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}
