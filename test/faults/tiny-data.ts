/** Tiny inputs for the fault cases: pictures with one box, YOLO datasets, annotation files, a loopback server. */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import sharp from 'sharp';

/** A small picture with one coloured box (so the detector has something to see). */
export async function picture(w = 64, h = 64): Promise<Buffer> {
  const box = await sharp({ create: { width: Math.round(w * 0.4), height: Math.round(h * 0.4), channels: 3, background: { r: 220, g: 40, b: 40 } } }).png().toBuffer();
  return sharp({ create: { width: w, height: h, channels: 3, background: { r: 60, g: 110, b: 70 } } })
    .composite([{ input: box, left: Math.round(w * 0.3), top: Math.round(h * 0.3) }])
    .jpeg()
    .toBuffer();
}

export const LABEL = '0 0.500000 0.500000 0.400000 0.400000\n';

export interface TinyImage { name: string; bytes?: Buffer; label?: string | null }

/**
 * A YOLO dataset in `dir`: data.yaml (2 classes), images/<split>, labels/<split>. `label: null` writes no
 * label file; the default is one box.
 */
export async function tinyDataset(dir: string, splits: Partial<Record<'train' | 'val' | 'test', TinyImage[]>>): Promise<string> {
  const pic = await picture();
  for (const s of ['train', 'val', 'test'] as const) {
    fs.mkdirSync(path.join(dir, 'images', s), { recursive: true });
    fs.mkdirSync(path.join(dir, 'labels', s), { recursive: true });
    for (const im of splits[s] ?? []) {
      fs.writeFileSync(path.join(dir, 'images', s, im.name), im.bytes ?? pic);
      const label = im.label === undefined ? LABEL : im.label;
      if (label !== null) fs.writeFileSync(path.join(dir, 'labels', s, im.name.replace(/\.[^.]+$/, '.txt')), label);
    }
  }
  const yaml = path.join(dir, 'data.yaml');
  fs.writeFileSync(yaml, 'train: images/train\nval: images/val\ntest: images/test\nnc: 2\nnames:\n  0: a\n  1: b\n');
  return yaml;
}

export const images = (n: number, prefix = 'im', label?: string | null): TinyImage[] => Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}.jpg`, label }));

/** Training flags for a run of a few seconds (yolov8n, 64 px, wasm). */
export const TINY_TRAIN = ['--model', 'yolov8n', '--imgsz', '64', '--batch', '4', '--backend', 'wasm', '--seed', '1', '--close-mosaic', '0'];

/** A loopback HTTP server; `handler` decides each response. */
export async function loopback(handler: http.RequestListener): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** TACO's annotations.json for `taco data download`: one image entry per (file, url, size). */
export function annotationsFor(file: string, entries: { file: string; url: string; width?: number; height?: number }[]): void {
  const ann = {
    images: entries.map((e, i) => ({ id: i + 1, file_name: e.file, width: e.width ?? 64, height: e.height ?? 64, flickr_url: e.url })),
    annotations: [],
    categories: [],
  };
  fs.writeFileSync(file, JSON.stringify(ann));
}
