/**
 * The shapes of `taco bench data` (ours vs Pillow side by side, as the seed ran Pillow): its options and its
 * result. Every figure is a spread over rounds, because the machine is shared and one number would mislead.
 */
import { Orientation } from '../../project/data/orientation';

export interface BenchDataOptions {
  /** images timed per run, per contender */
  images?: number;
  /** distinct source JPEGs written (the timed files cycle through them) */
  variants?: number;
  /** displayed (EXIF-rotated) size of the source photos */
  width?: number;
  height?: number;
  orientation?: Orientation;
  imgsz?: number;
  quality?: number;
  /** images in flight in our pipeline (default: CPU cores) */
  concurrency?: number;
  /** libvips threads per image (sharp.concurrency); default: sharp's own choice */
  vipsThreads?: number;
  /** timed rounds; each round runs every contender once, in alternating order */
  rounds?: number;
  seed?: number;
  /** the Python that runs Pillow; default $TACO_PYTHON or /usr/bin/python3 (Debian's, where python3-pil installs) */
  python?: string;
  /** also time Pillow with a process pool of this many workers (0: skip); default: CPU cores */
  pillowProcesses?: number;
  /** called before each timed run */
  onProgress?: (what: string) => void;
}

/** The spread over rounds: the machine is shared, so one number would mislead. */
export interface Spread { median: number; min: number; max: number; values: number[] }

export interface ContenderResult {
  label: string;
  /** images processed at once */
  parallel: number;
  imagesPerSecond: Spread;
  /** CPU time (all threads/processes) per image: much less sensitive to other load than images/s */
  cpuMsPerImage: Spread;
  /** the first output is 640x640 with the marked quadrant top-left, i.e. EXIF orientation was applied */
  orientationCorrect: boolean;
  outputBytes: number;
}

export interface PillowResult {
  available: boolean;
  /** why Pillow was not measured */
  reason?: string;
  python: string;
  version?: string;
  /** the seed's way: one process, one image after another */
  sequential?: ContenderResult;
  /** the same script over a multiprocessing pool: the fairest Pillow on several cores */
  pool?: ContenderResult;
}

export interface BenchDataResult {
  images: number;
  rounds: number;
  source: string;
  imgsz: number;
  quality: number;
  cpus: number;
  /** 1-minute load average before and after: above the core count, the figures are a shared machine's */
  loadAverage: { before: number; after: number };
  ours: ContenderResult & { vipsThreads: number; kernel: string };
  pillow: PillowResult;
  /** ours / Pillow images/s, computed within each round (adjacent runs see similar load) */
  ratio: { vsPillowSequential?: Spread; vsPillowPool?: Spread; cpuPerImagePillowOverOurs?: number };
  goal: { ratio: number; versus: string; met?: boolean };
  // Figures under the names `taco data bench` (src/cli/commands/data.ts) reads.
  concurrency: number;
  imagesPerSecond: number;
  orientationCorrect: boolean;
  pillowReferenceImagesPerSecond: number;
  speedupVsPillowReference: number;
}

export interface Timed { seconds: number; cpuSeconds: number }

export function spread(values: number[]): Spread {
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length;
  const median = m === 0 ? NaN : m % 2 ? s[(m - 1) / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
  return { median, min: s[0] ?? NaN, max: s[m - 1] ?? NaN, values };
}
