/**
 * Python's '{:0.3f}'.format(x): correctly rounded, ties to even on the exact binary value. JS toFixed is also
 * exact but breaks ties upwards, so (0.0625).toFixed(3) is '0.063' where Python prints '0.062'. A float64 lies
 * exactly halfway between two 3-decimal numbers only when x = j/16 with j odd (2000 = 2^4 * 125).
 */
export function formatFixed3(x: number): string {
  const s16 = x * 16;
  if (Number.isFinite(x) && Number.isInteger(s16) && Math.abs(s16) % 2 === 1) {
    const neg = x < 0;
    const t = Math.abs(x) * 1000; // exact: odd multiple of 62.5
    let n = Math.floor(t);
    if (n % 2 === 1) n += 1;
    const int = Math.floor(n / 1000);
    const frac = String(n % 1000).padStart(3, '0');
    return `${neg ? '-' : ''}${int}.${frac}`;
  }
  return x.toFixed(3);
}
