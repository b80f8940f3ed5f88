/**
 * Which checkpoints `taco weights fetch` knows and the bytes it accepts for each: ultralytics' YOLOv8
 * release assets (github.com/ultralytics/assets), pinned by sha256 so a swapped or corrupted file
 * is refused rather than loaded.
 */

export const WEIGHT_NAMES = ['yolov8n', 'yolov8s', 'yolov8m', 'yolov8l', 'yolov8x'] as const;
export type WeightName = (typeof WEIGHT_NAMES)[number];

/** Where `yolov8x.pt` is fetched from: the ultralytics assets release, or TACO_WEIGHTS_URL / --url (mirrors, tests). */
export const DEFAULT_WEIGHTS_URL = 'https://github.com/ultralytics/assets/releases/download/v8.2.0';

/**
 * Published sha256 of each release asset.
 * - n, s: ../shared/real/README.md (course material): yolov8n.pt of assets v8.2.0/v8.3.0 (6,549,796 bytes),
 *   yolov8s.pt of v8.3.0 (22,588,772 bytes).
 * - m, l, x: the digests GitHub publishes for the ultralytics/assets release v8.4.0 assets, as pinned in
 *   https://github.com/datamarkin/mozo/blob/c5ee231ffcbda3710f45a09eabfc062bd530e2bf/tools/fetch/yolov8.py
 *   (its n and s digests equal the two above, so these releases carry the same bytes for n and s);
 *   yolov8m.pt's digest also appears with a v8.3.0 download URL in other public download scripts.
 *   If the v8.2.0 asset of m, l or x ever differs, fetch fails with both digests; point --url at
 *   .../download/v8.4.0 then.
 */
export const WEIGHT_SHA256: Record<WeightName, string | undefined> = {
  yolov8n: 'f59b3d833e2ff32e194b5bb8e08d211dc7c5bdf144b90d2c8412c47ccfc83b36',
  yolov8s: '1f47a78bf100391c2a140b7ac73a1caae18c32779be7d310658112f7ac9aa78a',
  yolov8m: '5d4a90cdc7a21786cc59cd19778e9eafff836df9e2da32524737c7ee6efe4fe5',
  yolov8l: '64c9115303f6a25575f82200d1b22ec409fa6bd7d08d0313884fc20d919478cd',
  yolov8x: '3df4ada6b4dad6d657868f2fdf7faecfb34dcfccf3a25c4b82079064718524c8',
};

/** yolov8x.pt is 137 MB; anything far larger is not a YOLOv8 checkpoint. */
export const DEFAULT_MAX_BYTES = 400 * 1024 * 1024;

/** `yolov8x`, `yolov8x.pt` -> `yolov8x`; anything else -> undefined. */
export function weightName(spec: string): WeightName | undefined {
  const m = /^(yolov8[nsmlx])(\.pt)?$/.exec(spec);
  return m ? (m[1] as WeightName) : undefined;
}
