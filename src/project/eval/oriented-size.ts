/** The size a picture is displayed at (EXIF orientation applied), from its header only: no pixels are decoded. */

import sharp from 'sharp';

export async function orientedSize(file: string | Buffer): Promise<{ width: number; height: number }> {
  const m = await sharp(file).metadata();
  if (!m.width || !m.height) throw new Error(`${typeof file === 'string' ? file : 'image buffer'}: cannot read the image size`);
  const swap = (m.orientation ?? 1) >= 5;
  return swap ? { width: m.height, height: m.width } : { width: m.width, height: m.height };
}
