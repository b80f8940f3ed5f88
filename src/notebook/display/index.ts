/** The display helpers for notebook cells, in one import: `import { show, tableBundle } from "../src/notebook/display"`. */
export { show, showLive, isMimeBundle } from './bundle';
export type { MimeBundle, DisplayHandle } from './bundle';
export { inKernel } from './kernel-bridge';
export { imageBundle, imageBundleFrom, imageHtml, imageSize, sniffImage } from './image';
export { tableBundle, tableCells } from './table';
export { plotlyBundle, plotlySummary, plotlyScriptSource, setPlotlyMode } from './plotly';
export type { PlotlyFigure, PlotlyMode } from './plotly';
export { createProgress } from './progress';
export type { Progress, ProgressOptions } from './progress';
export { escapeHtml } from './escape';
