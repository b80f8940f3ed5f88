import type { MimeBundle } from './bundle';
import { escapeHtml } from './escape';

/** What `imageBundle` accepts: encoded bytes, or a sharp instance (anything with toBuffer()). */
export interface SharpLike {
  png(): SharpLike;
  toBuffer(): Promise<Buffer>;
}

export interface ImageOptions {
  /** Display width in CSS pixels (the image keeps its pixels; front ends scale it). */
  width?: number;
  /** Alt text / caption for the text/plain fallback. */
  alt?: string;
}

export type ImageFormat = 'png' | 'jpeg';

/** Format from the magic bytes (callers pass files and buffers whose names may lie). */
export function sniffImage(buf: Uint8Array): ImageFormat | null {
  if (buf.length >= 8 && buf[0] === 0x89 && buf[1] === 0x50 && buf[2] === 0x4e && buf[3] === 0x47) return 'png';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  return null;
}

/** Pixel size from the PNG IHDR or the first JPEG SOFn marker, without decoding. */
export function imageSize(buf: Uint8Array): { width: number; height: number } | null {
  const fmt = sniffImage(buf);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (fmt === 'png' && buf.length >= 24) return { width: dv.getUint32(16), height: dv.getUint32(20) };
  if (fmt === 'jpeg') {
    let i = 2;
    while (i + 9 < buf.length) {
      if (buf[i] !== 0xff) { i++; continue; }
      const marker = buf[i + 1];
      // SOF0..SOF15 except DHT (c4), JPG (c8), DAC (cc) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: dv.getUint16(i + 5), width: dv.getUint16(i + 7) };
      }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
      i += 2 + dv.getUint16(i + 2);
    }
  }
  return null;
}

/** An image/png or image/jpeg bundle from encoded bytes, with a text/plain description as fallback. */
export function imageBundle(buf: Uint8Array, opts: ImageOptions = {}): { bundle: MimeBundle; metadata: Record<string, unknown> } {
  const fmt = sniffImage(buf);
  if (!fmt) throw new Error('imageBundle: the bytes are neither PNG nor JPEG (encode with sharp(...).png() or .jpeg() first)');
  const size = imageSize(buf);
  const mime = `image/${fmt}`;
  const desc = `<${mime}${size ? ` ${size.width}x${size.height}` : ''}, ${(buf.length / 1024).toFixed(1)} KiB${opts.alt ? `: ${opts.alt}` : ''}>`;
  const bundle: MimeBundle = { 'text/plain': desc, [mime]: Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('base64') };
  const metadata: Record<string, unknown> = opts.width ? { [mime]: { width: opts.width } } : {};
  return { bundle, metadata };
}

/** Encodes a sharp pipeline as PNG (unless it is already bytes) and builds the bundle. */
export async function imageBundleFrom(img: Uint8Array | SharpLike, opts: ImageOptions = {}): Promise<{ bundle: MimeBundle; metadata: Record<string, unknown> }> {
  const buf = img instanceof Uint8Array ? img : await img.png().toBuffer();
  return imageBundle(buf, opts);
}

/** An <img> with a data: URL, for composing images into HTML (tables, the report). */
export function imageHtml(buf: Uint8Array, opts: ImageOptions = {}): string {
  const fmt = sniffImage(buf);
  if (!fmt) throw new Error('imageHtml: the bytes are neither PNG nor JPEG');
  const b64 = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('base64');
  return `<img src="data:image/${fmt};base64,${b64}"${opts.width ? ` width="${opts.width}"` : ''} alt="${escapeHtml(opts.alt ?? '')}">`;
}
