/**
 * The one parser of numeric options, shared by every command. A value
 * is checked where it is parsed, against a range with a lower and an upper end, and a bad one is refused
 * with a message that names the option and the range: `--quality must be an integer in 1..100, got "200"`.
 * Options out of range used to travel on and fail later with an empty or internal message.
 */

export interface NumberRange {
  integer?: boolean;
  /** inclusive bounds */
  min?: number;
  max?: number;
  /** exclusive bounds */
  gt?: number;
  lt?: number;
  /** > 0 (the same as gt: 0) */
  positive?: boolean;
  /** e.g. 32 for image sizes (implies integer) */
  multipleOf?: number;
}

/** "an integer in 1..100", "a number > 0 and <= 86400", "a multiple of 32 in 32..8192". */
export function describeRange(r: NumberRange): string {
  const kind = r.multipleOf ? `a multiple of ${r.multipleOf}` : r.integer ? 'an integer' : 'a number';
  const gt = r.positive ? Math.max(0, r.gt ?? 0) : r.gt;
  if (r.min !== undefined && r.max !== undefined && gt === undefined && r.lt === undefined) return `${kind} in ${r.min}..${r.max}`;
  const parts = [
    r.min !== undefined ? `>= ${r.min}` : '',
    gt !== undefined ? `> ${gt}` : '',
    r.max !== undefined ? `<= ${r.max}` : '',
    r.lt !== undefined ? `< ${r.lt}` : '',
  ].filter(Boolean);
  return parts.length ? `${kind} ${parts.join(' and ')}` : kind;
}

const flagName = (name: string): string => `--${name.replace(/^-+/, '')}`;

/** `raw` as a number in range `r`, or an Error naming `flag` (with or without its dashes) and the range. */
export function parseNumber(flag: string, raw: string | number, r: NumberRange = {}): number {
  const text = String(raw).trim();
  const x = text === '' ? NaN : Number(text);
  const gt = r.positive ? Math.max(0, r.gt ?? 0) : r.gt;
  const ok =
    Number.isFinite(x) &&
    (!(r.integer || r.multipleOf) || Number.isInteger(x)) &&
    (r.multipleOf === undefined || x % r.multipleOf === 0) &&
    (r.min === undefined || x >= r.min) &&
    (r.max === undefined || x <= r.max) &&
    (gt === undefined || x > gt) &&
    (r.lt === undefined || x < r.lt);
  if (!ok) throw new Error(`${flagName(flag)} must be ${describeRange(r)}, got "${raw}"`);
  return x;
}

/** A commander parser for `--name <n>` in range `r`. */
export function numberOption(name: string, r: NumberRange = {}): (v: string) => number {
  return (v: string) => parseNumber(name, v, r);
}

/** A commander parser for `--name <a,b,c>`: comma-separated numbers, each in range `r`. */
export function numberListOption(name: string, r: NumberRange = {}): (v: string) => number[] {
  return (v: string) => {
    const items = v.split(',').map((s) => s.trim());
    if (items.some((s) => s === '')) throw new Error(`${flagName(name)} must be a comma-separated list of ${describeRange(r).replace(/^an? /, '')}s, got "${v}"`);
    return items.map((s) => parseNumber(name, s, r));
  };
}

/**
 * A commander parser for a variadic `--name <v...>`: each value checked, collected in order. The first value
 * replaces the default (commander passes the default as `previous`; defaults are not numbers already parsed).
 */
export function numberVariadicOption(name: string, r: NumberRange = {}): (v: string, previous: unknown) => number[] {
  const parsed = new WeakSet<number[]>();
  return (v, previous) => {
    const acc = Array.isArray(previous) && parsed.has(previous as number[]) ? (previous as number[]) : [];
    const next = [...acc, parseNumber(name, v, r)];
    parsed.add(next);
    return next;
  };
}

/** Common ranges. A week is the longest wait any timeout here can mean. */
export const RANGES = {
  seconds: { gt: 0, max: 7 * 24 * 3600 },
  seed: { integer: true, min: 0, max: 2 ** 32 - 1 },
  imgsz: { multipleOf: 32, min: 32, max: 8192 },
  batch: { integer: true, min: 1, max: 4096 },
  epochs: { integer: true, min: 1, max: 100_000 },
  workers: { integer: true, min: 1, max: 1024 },
  nc: { integer: true, min: 1, max: 10_000 },
  count: { integer: true, min: 1, max: 1_000_000 },
  probability: { min: 0, max: 1 },
} satisfies Record<string, NumberRange>;

export const secondsOption = numberOption('timeout', RANGES.seconds);
