/**
 * The YOLOv8 architecture as data: a transcription of ultralytics' `yolov8.yaml` (8.0.200) and the
 * channel/depth rules of its `parse_model`. Everything else (parameters, forward, summary, diagram,
 * weight names) is derived from the resolved layer list here, so they cannot disagree. This module is
 * the one import path for all of it; the parts live beside it by idea.
 */

export { SCALES, SCALE_MULTIPLES, YOLOV8_YAML, REG_MAX, STRIDES } from './yolov8-yaml';
export type { Scale, ModuleType, YamlRow } from './yolov8-yaml';
export type { ConvSpec, LayerSpec, ModelDef } from './layer-spec';
export { makeDivisible, detectWidths, resolveYolov8 } from './resolve-yolov8';
export { convParamShapes, convParamCount, layerParamCount, defParamCount } from './param-count';
