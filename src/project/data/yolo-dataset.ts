import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClassMapping, mappingFromJson, mappingToJson } from './classes';
import { YamlValue, parseYaml, stringifyYaml } from './yaml-lite';
import { probeImage } from './image-process';

export type YoloSplit = 'train' | 'val' | 'test';

/** One YOLO label line: class index and normalized cx cy w h of the image frame. */
export interface YoloLabel { cls: number; cx: number; cy: number; w: number; h: number }

export interface YoloImage {
  imagePath: string;
  labelPath: string;
  width: number;
  height: number;
  labels: YoloLabel[];
}

export interface DataYaml {
  /** dataset root (absolute) */
  root: string;
  splits: Partial<Record<YoloSplit, string>>;
  nc: number;
  names: string[];
  mapping: ClassMapping;
  frame?: YamlValue;
  synthetic: boolean;
}

const IMAGE_EXT = /\.(jpe?g|png|bmp|webp|tiff?)$/i;

/** data.yaml text (ultralytics keys + the class mapping and frame); `path` is left out so the folder can move. */
export function dataYamlText(opts: { mapping: ClassMapping; frame: Record<string, YamlValue>; synthetic: boolean; source: string }): string {
  const m = opts.mapping;
  const header = [
    `# ultralytics-compatible dataset written by taco-companion (taco data prepare)`,
    `# source: ${opts.source}`,
    ...(opts.synthetic ? ['# SYNTHETIC DATA: TACO-mini, generated pictures, not real waste photographs'] : []),
    `# no 'path' key: ultralytics then resolves train/val/test relative to this file's folder`,
  ].join('\n');
  const names: Record<string, string> = {};
  m.names.forEach((n, i) => (names[String(i)] = n));
  const body: Record<string, YamlValue> = {
    train: 'images/train',
    val: 'images/val',
    test: 'images/test',
    nc: m.names.length,
    names,
    class_mapping: mappingToJson(m) as unknown as YamlValue,
    frame: opts.frame,
    synthetic: opts.synthetic,
  };
  return `${header}\n${stringifyYaml(body)}`;
}

export function readDataYaml(file: string): DataYaml {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const y = parseYaml(text, file) as Record<string, YamlValue> | null;
  if (!y || typeof y !== 'object' || Array.isArray(y)) throw new Error(`${file}: expected a YAML map`);
  const dir = path.dirname(path.resolve(file));
  const root = typeof y.path === 'string' ? path.resolve(dir, y.path) : dir;
  let names: string[];
  if (Array.isArray(y.names)) names = y.names.map(String);
  else if (y.names && typeof y.names === 'object') {
    const o = y.names as Record<string, YamlValue>;
    names = Object.keys(o).map((k, i) => {
      if (Number(k) !== i) throw new Error(`${file}: names must be keyed 0..nc-1 in order (found key '${k}' at position ${i})`);
      return String(o[k]);
    });
  } else throw new Error(`${file}: 'names' is missing`);
  const nc = typeof y.nc === 'number' ? y.nc : names.length;
  if (nc !== names.length) throw new Error(`${file}: nc is ${nc} but ${names.length} names are given`);
  // A dataset without our mapping (a plain ultralytics one) gets the identity-plus-one COCO ids, stated explicitly here.
  const mapping = y.class_mapping ? mappingFromJson(y.class_mapping, `${file}: class_mapping`) : { name: 'implicit', names, indexToCategoryId: names.map((_, i) => i + 1) };
  if (mapping.names.length !== nc) throw new Error(`${file}: class_mapping has ${mapping.names.length} classes but nc is ${nc}`);
  const splits: Partial<Record<YoloSplit, string>> = {};
  for (const s of ['train', 'val', 'test'] as const) if (typeof y[s] === 'string') splits[s] = path.resolve(root, y[s] as string);
  return { root, splits, nc, names, mapping, frame: y.frame, synthetic: y.synthetic === true };
}

/** `.../images/train/x.jpg` -> `.../labels/train/x.txt` (ultralytics' rule: the last `/images/` becomes `/labels/`). */
export function labelPathFor(imagePath: string): string {
  const sep = path.sep;
  const i = imagePath.lastIndexOf(`${sep}images${sep}`);
  const base = i < 0 ? imagePath : `${imagePath.slice(0, i)}${sep}labels${sep}${imagePath.slice(i + 8)}`;
  return base.replace(/\.[^./\\]+$/, '.txt');
}

/** Parse a label file's text; errors name the file and the line. */
export function parseYoloLabels(text: string, file: string, nc: number): YoloLabel[] {
  const out: YoloLabel[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '') return;
    const parts = t.split(/\s+/);
    if (parts.length !== 5) throw new Error(`${file}:${i + 1}: expected 'cls cx cy w h' (5 numbers), got ${parts.length} fields`);
    const v = parts.map(Number);
    if (v.some((x) => !Number.isFinite(x))) throw new Error(`${file}:${i + 1}: not a number in '${t}'`);
    const [cls, cx, cy, w, h] = v;
    if (!Number.isInteger(cls) || cls < 0 || cls >= nc) throw new Error(`${file}:${i + 1}: class ${parts[0]} is outside 0..${nc - 1}`);
    if (w <= 0 || h <= 0) throw new Error(`${file}:${i + 1}: box width/height must be positive`);
    if ([cx, cy, w, h].some((x) => x < -1e-6 || x > 1 + 1e-6)) throw new Error(`${file}:${i + 1}: coordinates must be normalized to [0, 1]`);
    out.push({ cls, cx, cy, w, h });
  });
  return out;
}

/**
 * Read one split of a YOLO dataset for the trainer and the validator: every image with its size
 * (EXIF-corrected, as ultralytics does) and its labels. A missing label file means no objects.
 */
export async function readYoloDataset(dataYamlPath: string, split: YoloSplit): Promise<{ images: YoloImage[]; data: DataYaml; skipped: { imagePath: string; reason: string }[] }> {
  const data = readDataYaml(dataYamlPath);
  const dir = data.splits[split];
  if (!dir) throw new Error(`${dataYamlPath}: no '${split}' split`);
  if (!fs.existsSync(dir)) throw new Error(`${dataYamlPath}: the ${split} folder ${dir} does not exist`);
  const files = fs.readdirSync(dir).filter((f) => IMAGE_EXT.test(f) && !f.endsWith('.tmp')).sort();
  const images: YoloImage[] = [];
  // An unreadable image is skipped and reported (the trainer warns and counts it), never fatal;
  // a bad label line is an error, since it means the dataset itself is wrong.
  const skipped: { imagePath: string; reason: string }[] = [];
  for (const f of files) {
    const imagePath = path.join(dir, f);
    const labelPath = labelPathFor(imagePath);
    let probe;
    try {
      probe = await probeImage(imagePath);
    } catch (e) {
      skipped.push({ imagePath, reason: `cannot read the image header (${(e as Error).message})` });
      continue;
    }
    const labels = fs.existsSync(labelPath) ? parseYoloLabels(fs.readFileSync(labelPath, 'utf8'), labelPath, data.nc) : [];
    images.push({ imagePath, labelPath, width: probe.width, height: probe.height, labels });
  }
  return { images, data, skipped };
}

export function yoloLabelLine(cls: number, b: readonly number[]): string {
  return `${cls} ${b.map((x) => Math.min(1, Math.max(0, x)).toFixed(6)).join(' ')}`;
}
