/**
 * Draws detections on an image with sharp: one SVG overlay (boxes, label tags "name 0.87") composited on the
 * EXIF-oriented image. Colours per class follow ultralytics' 20-colour palette; line width as ultralytics picks it
 * (max(round((w + h) / 2 * 0.003), 2)).
 */

import sharp from 'sharp';
import { Detections } from './nms';

export const ULTRALYTICS_PALETTE = [
  'FF3838', 'FF9D97', 'FF701F', 'FFB21D', 'CFD231', '48F90A', '92CC17', '3DDB86', '1A9334', '00D4BB',
  '2C99A8', '00C2FF', '344593', '6473FF', '0018EC', '8438FF', '520085', 'CB38FF', 'FF95C8', 'FF37C7',
].map((h) => `#${h}`);

export function classColor(c: number): string {
  return ULTRALYTICS_PALETTE[((c % ULTRALYTICS_PALETTE.length) + ULTRALYTICS_PALETTE.length) % ULTRALYTICS_PALETTE.length];
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch]!);
}

/** The SVG overlay for an image of width x height; boxes are xyxy in that image's frame. */
export function detectionsSvg(det: Detections, width: number, height: number, names: string[], opts: { showConf?: boolean } = {}): string {
  const lw = Math.max(Math.round(((width + height) / 2) * 0.003), 2);
  const fontSize = Math.max(lw * 5, 10);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`];
  for (let i = 0; i < det.scores.length; i++) {
    const [x1, y1, x2, y2] = det.boxes.subarray(i * 4, i * 4 + 4);
    const c = det.classes[i];
    const color = classColor(c);
    const label = `${names[c] ?? c}${opts.showConf === false ? '' : ` ${det.scores[i].toFixed(2)}`}`;
    const tw = Math.ceil(label.length * fontSize * 0.6) + 2 * lw;
    const th = fontSize + lw;
    const ty = y1 - th >= 0 ? y1 - th : y1; // tag above the box, or inside when there is no room
    parts.push(
      `<rect x="${x1}" y="${y1}" width="${Math.max(x2 - x1, 0)}" height="${Math.max(y2 - y1, 0)}" fill="none" stroke="${color}" stroke-width="${lw}"/>`,
      `<rect x="${x1 - lw / 2}" y="${ty}" width="${tw}" height="${th}" fill="${color}"/>`,
      `<text x="${x1 + lw}" y="${ty + fontSize}" font-family="sans-serif" font-size="${fontSize}" fill="#FFFFFF">${escapeXml(label)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Draws detections (original-frame xyxy) on the auto-oriented image; returns JPEG (or PNG) bytes. */
export async function drawDetections(file: string | Buffer, det: Detections, names: string[], opts: { format?: 'jpeg' | 'png'; showConf?: boolean } = {}): Promise<Buffer> {
  const base = sharp(file).rotate();
  const { data, info } = await base.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const svg = Buffer.from(detectionsSvg(det, info.width, info.height, names, opts));
  const img = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).composite([{ input: svg, top: 0, left: 0 }]);
  return opts.format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 90 }).toBuffer();
}
