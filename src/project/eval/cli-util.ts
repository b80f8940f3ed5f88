/** Small helpers shared by the predict and val commands: validated numeric options and a progress bar on stderr. */
import { NumberRange, parseNumber } from '../../cli/parse';

/** The shared option parser (src/cli/parse.ts), for values checked in an action: `numberOption('--conf', o.conf, { min: 0, max: 1 })`. */
export function numberOption(flag: string, raw: string | number, o: NumberRange = {}): number {
  return parseNumber(flag, raw, o);
}

/** A cli-progress bar when stderr is a terminal; silent otherwise (logs and notebooks stay clean). */
export function progressReporter(label: string, total: number): { update: (done: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const cliProgress = require('cli-progress') as typeof import('cli-progress');
  const bar = new cliProgress.SingleBar({
    format: `${label} |{bar}| {value}/{total} images | {rate} images/s | ETA {eta}s`, stream: process.stderr, hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  const t0 = Date.now();
  bar.start(total, 0, { rate: '0.0' });
  let stopped = false;
  return {
    update: (done: number) => bar.update(done, { rate: (done / Math.max((Date.now() - t0) / 1000, 1e-3)).toFixed(1) }),
    stop: () => { if (!stopped) { stopped = true; bar.stop(); } },
  };
}
