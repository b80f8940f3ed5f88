/**
 * Our side of `taco bench data`: the same per-image work `taco data prepare` does (header probe, then one
 * decode -> EXIF orient -> resize -> JPEG encode through sharp), timed in wall and CPU seconds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { orientAndResize, probeImage } from '../../project/data/image-process';
import { resizeParams } from '../../project/data/resize-boxes';
import { mapPool } from '../../project/data/pool';
import { Timed } from './types';

export async function timeOurs(files: string[], outDir: string, W: number, H: number, imgsz: number, quality: number, conc: number): Promise<Timed> {
  const params = resizeParams(W, H, imgsz, 'stretch');
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  // What `taco data prepare` does per image: header probe (orientation, frame check), then one decode.
  await mapPool(files, conc, async (f, i) => {
    const probe = await probeImage(f);
    if (probe.width !== W || probe.height !== H) throw new Error(`${f}: bench image probes as ${probe.width}x${probe.height}, expected ${W}x${H}`);
    await fs.promises.writeFile(path.join(outDir, `${i}.jpg`), await orientAndResize(f, params, quality));
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { seconds, cpuSeconds: (c.user + c.system) / 1e6 };
}
