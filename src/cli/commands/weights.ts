import { Command, InvalidArgumentError } from 'commander';

function parseBytes(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?$/i.exec(v.trim());
  if (!m) throw new InvalidArgumentError('expected a size like 400000000, 400MB or 1GiB');
  const unit = (m[2] ?? '').toLowerCase().replace(/b$/, '');
  const mult = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

const BUFFER_SUFFIX = /\.(running_mean|running_var|num_batches_tracked)$/;

/** A progress display counted in MB (the project's one progress API: a bar on a terminal, lines in logs). */
function byteProgress(label: string): { update: (done: number, total?: number) => void; stop: () => void } {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { createProgress } = require('../../notebook/display/progress') as typeof import('../../notebook/display/progress');
  const bar = createProgress({ total: 0, label, unit: 'MB' });
  const mb = (b: number): number => Math.round(b / 1e5) / 10;
  return {
    update(done, total) {
      if (total) bar.setTotal(mb(total));
      bar.update(mb(done));
    },
    stop: () => bar.done(),
  };
}

/** `taco weights ...`: inspect, convert and fetch checkpoints (.pt read without Python, never executed). */
export function register(program: Command): void {
  const weights = program.command('weights').description('YOLOv8 weights: inspect .pt / .safetensors files, convert .pt to .safetensors, fetch ultralytics releases');

  weights
    .command('info')
    .description('scale, nc, class names, parameter count, date and ultralytics version of a .pt or .safetensors file (or a cached name like yolov8n)')
    .argument('<file>', '.pt, .safetensors, or a name in the weights cache (yolov8n..yolov8x)')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: { json?: boolean }) => {
      const { resolveWeights, readWeightsFile, describeWeights } = await import('../../project/model/load');
      const fs = await import('node:fs');
      const local = await resolveWeights(file, { download: false });
      const t0 = performance.now();
      const w = await readWeightsFile(local);
      const ms = performance.now() - t0;
      const d = describeWeights(w);
      let params = 0;
      let values = 0;
      for (const [name, t] of w.file.tensors) {
        const n = t.shape.reduce((a, b) => a * b, 1);
        values += n;
        if (!BUFFER_SUFFIX.test(name)) params += n;
      }
      const pt = w.pt;
      const info = {
        file: local, format: w.format, bytes: fs.statSync(local).size, read_ms: Math.round(ms),
        arch: d.scale ? `yolov8${d.scale}` : undefined, scale: d.scale, nc: d.nc, names: d.names,
        tensors: w.file.tensors.size, parameters: params, values,
        kind: pt?.kind, from: pt?.from, model_class: pt?.modelClass, stride: pt?.stride,
        date: pt?.date ?? w.file.metadata?.date, ultralytics_version: pt?.version ?? w.file.metadata?.ultralytics_version,
        train_args: pt?.trainArgs, metadata: w.format === 'safetensors' ? w.file.metadata : undefined,
      };
      if (o.json) {
        console.log(JSON.stringify(info, null, 2));
        return;
      }
      const names = d.names ? `${d.names.length}: ${d.names.slice(0, 10).join(', ')}${d.names.length > 10 ? ', ...' : ''}` : '(not recorded)';
      const rows: [string, string][] = [
        ['file', `${local} (${w.format}, ${(info.bytes / 1e6).toFixed(1)} MB, read in ${info.read_ms} ms)`],
        ['model', d.scale ? `YOLOv8${d.scale}` : 'unknown scale'],
        ['nc', d.nc !== undefined ? String(d.nc) : 'unknown'],
        ['names', names],
        ['parameters', `${params.toLocaleString('en-US')} (${w.file.tensors.size} tensors)`],
      ];
      if (pt) rows.push(['checkpoint', `${pt.kind === 'ultralytics' ? `ultralytics ${pt.modelClass ?? ''}, weights from '${pt.from}'` : `state_dict${pt.from ? ` ('${pt.from}')` : ''}`}`.trim()]);
      if (info.stride) rows.push(['stride', info.stride.join(', ')]);
      rows.push(['date', info.date ?? '(not recorded)']);
      rows.push(['ultralytics version', info.ultralytics_version ?? '(not recorded)']);
      if (pt?.trainArgs) {
        const ta = pt.trainArgs;
        rows.push(['trained with', ['data', 'epochs', 'imgsz', 'batch', 'optimizer'].filter((k) => k in ta).map((k) => `${k}=${String(ta[k])}`).join(' ')]);
      }
      const width = Math.max(...rows.map((r) => r[0].length));
      for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    });

  weights
    .command('convert')
    .description('convert a .pt checkpoint to .safetensors (float32; arch, nc and names in the metadata)')
    .argument('<file.pt>', 'ultralytics or state_dict checkpoint')
    .option('--out <file.safetensors>', 'output file (default: beside the input, .safetensors)')
    .action(async (file: string, o: { out?: string }) => {
      const path = await import('node:path');
      const { readPt, ptToSafeFile } = await import('../../project/model/pt');
      const { writeSafetensors } = await import('../../project/model/weights/safetensors');
      const out = o.out ?? file.replace(/\.pth?$/i, '') + '.safetensors';
      if (path.resolve(out) === path.resolve(file)) throw new Error(`--out ${out}: would overwrite the input`);
      const ckpt = readPt(file);
      const sf = ptToSafeFile(ckpt);
      writeSafetensors(out, sf.tensors, sf.metadata);
      const m = sf.metadata ?? {};
      console.log(`wrote ${out}: ${sf.tensors.size} tensors${m.arch ? `, ${m.arch}` : ''}${m.nc ? ` nc=${m.nc}` : ''}`);
    });

  weights
    .command('fetch')
    .description("download ultralytics' YOLOv8 release checkpoints into the weights cache (resumable, sha256-verified)")
    .argument('<names...>', 'yolov8n, yolov8s, yolov8m, yolov8l, yolov8x')
    .option('--url <base>', 'base URL of the .pt files (a mirror); default TACO_WEIGHTS_URL or the ultralytics assets release v8.2.0')
    .option('--dir <folder>', 'cache folder; default TACO_WEIGHTS_DIR, $XDG_CACHE_HOME/taco-companion/weights or ~/.cache/taco-companion/weights')
    .option('--max-bytes <size>', 'refuse larger downloads', parseBytes, 400 * 1024 * 1024)
    .option('--allow-unpinned', 'keep a file whose sha256 is not pinned in the project (its sha256 is printed)')
    .addHelpText('after', '\nThe files keep their release names (yolov8n.pt, ...); train/val/predict accept the bare name: --weights yolov8n.')
    .action(async (names: string[], o: { url?: string; dir?: string; maxBytes: number; allowUnpinned?: boolean }) => {
      const { fetchWeights, weightName, WEIGHT_NAMES } = await import('../../project/model/weights/fetch');
      for (const n of names) if (!weightName(n)) throw new Error(`${n}: not a known weights name (${WEIGHT_NAMES.join(', ')})`);
      for (const n of names) {
        const bar = byteProgress(weightName(n)!);
        let r;
        try {
          r = await fetchWeights(n, { url: o.url, dir: o.dir, maxBytes: o.maxBytes, allowUnpinned: o.allowUnpinned, onProgress: bar.update });
        } finally {
          bar.stop();
        }
        const how = r.downloaded ? `downloaded${r.resumedFrom ? ` (resumed at ${r.resumedFrom} bytes)` : ''}` : 'already in the cache';
        console.log(`${r.file}: ${how}, ${(r.bytes / 1e6).toFixed(1)} MB, sha256 ${r.sha256}`);
      }
    });
}
