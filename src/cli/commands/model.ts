import { Command, InvalidArgumentError } from 'commander';
import { RANGES, numberOption } from '../parse';

const SCALE_NAMES = ['n', 's', 'm', 'l', 'x'];

function parseScale(v: string): string {
  const s = v.replace(/^yolov8/i, '').toLowerCase();
  if (!SCALE_NAMES.includes(s)) throw new InvalidArgumentError(`expected one of ${SCALE_NAMES.join(', ')} (or yolov8n..yolov8x)`);
  return s;
}

const parsePositiveInt = numberOption('nc', RANGES.nc);
/** A multiple of 32: the largest stride. */
const parseImgsz = numberOption('imgsz', RANGES.imgsz);

/** `taco model ...`: the YOLOv8 definition, without building tensors. */
export function register(program: Command): void {
  const model = program.command('model').description('YOLOv8 architecture: module table, parameters, GFLOPs and a generated diagram');

  model
    .command('summary')
    .description('print the ultralytics-style module table, parameter count and GFLOPs')
    .option('--scale <n|s|m|l|x>', 'model scale', parseScale, 'n')
    .option('--nc <n>', 'number of classes', parsePositiveInt, 7)
    .option('--imgsz <px>', 'image size for output shapes and GFLOPs', parseImgsz, 640)
    .option('--json', 'machine-readable output')
    .action(async (opts: { scale: string; nc: number; imgsz: number; json?: boolean }) => {
      const { resolveYolov8 } = await import('../../project/model/definition');
      const { summary, formatSummary } = await import('../../project/model/summary');
      const s = summary(resolveYolov8(opts.scale as 'n', opts.nc), opts.imgsz);
      if (opts.json) console.log(JSON.stringify(s, null, 2));
      else console.log(formatSummary(s));
    });

  model
    .command('diagram')
    .description('write an SVG architecture diagram generated from the model definition')
    .option('--scale <n|s|m|l|x>', 'model scale', parseScale, 'n')
    .option('--nc <n>', 'number of classes', parsePositiveInt, 7)
    .option('--imgsz <px>', 'image size for the shapes shown', parseImgsz, 640)
    .option('--out <file.svg>', 'output file', 'imgs/yolov8-architecture.svg')
    .action(async (opts: { scale: string; nc: number; imgsz: number; out: string }) => {
      const fs = await import('node:fs');
      const path = await import('node:path');
      const { resolveYolov8 } = await import('../../project/model/definition');
      const { architectureSvg } = await import('../../project/model/diagram');
      if (!opts.out.endsWith('.svg')) throw new Error(`--out ${opts.out}: the diagram is SVG; name the file *.svg`);
      const svg = architectureSvg(resolveYolov8(opts.scale as 'n', opts.nc), { imgsz: opts.imgsz });
      fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
      const tmp = `${opts.out}.tmp`;
      fs.writeFileSync(tmp, svg);
      fs.renameSync(tmp, opts.out);
      console.log(`wrote ${opts.out} (YOLOv8${opts.scale}, nc=${opts.nc}, imgsz ${opts.imgsz})`);
    });
}
