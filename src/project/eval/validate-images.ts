/**
 * One validation pass over labelled pictures, as ultralytics' `DetectionValidator` runs it for `yolo val`:
 * validation preprocessing (load_image, rect batches with pad 0.5 by default), NMS at conf 0.001 / IoU 0.7
 * multi-label, predictions and labels both in each picture's original frame, then the Validator
 * (matching at IoU 0.50:0.95, 101-point AP, confusion matrix). The CLI's `taco val` and the notebook call it.
 */

import type { LabeledImage } from '../train/loader';
import { yoloToXyxy } from './boxes';
import { inputToOriginalXyxy } from './frame';
import type { NmsOptions } from './nms';
import { ImagePrediction, PredictFn, PredictTiming, SkippedImage, predictImages } from './predict';
import { ValidationResult, Validator, VAL_NMS } from './validator';

export interface ValidateOptions extends NmsOptions {
  imgsz: number;
  batch: number;
  /** ultralytics' rect batches (default true); false: square imgsz x imgsz letterbox. */
  rect?: boolean;
  strict?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface ImagesValidation {
  predictions: ImagePrediction[];
  skipped: SkippedImage[];
  validation: ValidationResult;
  timing: PredictTiming;
}

export async function validateImages(model: { predict: PredictFn; nc: number }, images: LabeledImage[], names: string[], o: ValidateOptions): Promise<ImagesValidation> {
  const { imgsz, batch, rect = true, strict, onProgress, ...nms } = o;
  const pred = await predictImages(images.map((im) => im.imagePath), {
    predictFn: (x) => model.predict(x), nc: model.nc, imgsz, batch, val: { rect }, strict, onProgress, ...VAL_NMS, ...nms,
  });
  const labels = new Map(images.map((im) => [im.imagePath, im.labels]));
  const v = new Validator(model.nc, names);
  for (const r of pred.results) {
    const l = labels.get(r.file) ?? [];
    // Labels take the predictions' way back, as ultralytics' validator does: LetterBox places them with the
    // unrounded half padding, scale_boxes takes them out with ratio_pad (load_image's height ratio as the one gain,
    // the rounded pad), then clips; both sides meet in the original frame.
    const t = r.transform;
    const inInput = yoloToXyxy(l.flatMap((b) => [b.cx, b.cy, b.w, b.h]), t.resizedWidth, t.resizedHeight);
    const halfW = (t.inputWidth - t.resizedWidth) / 2;
    const halfH = (t.inputHeight - t.resizedHeight) / 2;
    for (let i = 0; i < inInput.length; i += 2) {
      inInput[i] += halfW;
      inInput[i + 1] += halfH;
    }
    v.update(r, { boxes: inputToOriginalXyxy(inInput, t), classes: l.map((b) => b.cls) });
  }
  return { predictions: pred.results, skipped: pred.skipped, validation: v.result(), timing: pred.timing };
}
