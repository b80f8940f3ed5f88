/**
 * COCO JSON shapes as read from disk (ground truth file and results file), and the input error type.
 * Boxes at this edge are COCO `[x, y, w, h]` in pixels of the frame the files name.
 */

export interface CocoImage {
  id: number;
  file_name?: string;
  width?: number;
  height?: number;
}

export interface CocoCategory {
  id: number;
  name?: string;
  supercategory?: string;
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number]; // [x, y, w, h]
  /** Used for the area ranges (not w*h): pycocotools reads this field for GT. */
  area: number;
  iscrowd?: number | boolean;
}

export interface CocoGt {
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
  info?: unknown;
}

/** One detection of a COCO results file; its id is its 1-based position in the list (as pycocotools' loadRes). */
export interface CocoResult {
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number]; // [x, y, w, h]
  score: number;
}

/** Bad GT/results input; the message names the file (or source label) and the offending entry. */
export class CocoInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CocoInputError';
  }
}
