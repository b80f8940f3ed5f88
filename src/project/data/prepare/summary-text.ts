/**
 * The closing lines `taco data prepare` prints: what the homework's preparation steps kept, skipped and why,
 * so a user sees missing or unreadable pictures without opening summary.json.
 */
import * as path from 'node:path';
import { PrepareSummary } from './types';

/** Human-readable closing summary of a prepare run. */
export function formatSummary(s: PrepareSummary): string {
  const dropped = Object.entries(s.boxes.dropped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  const skipped = Object.entries(s.imagesSkipped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  return [
    `${s.synthetic ? 'SYNTHETIC TACO-mini' : 'TACO'} -> ${path.dirname(s.outputs.dataYaml)}`,
    `images written: train ${s.images.train}, val ${s.images.val}, test ${s.images.test} (${s.images.processed} processed, ${s.images.reused} up to date)`,
    `images skipped: ${skipped}${s.boxesOfSkippedImages ? ` (their ${s.boxesOfSkippedImages} boxes go with them)` : ''}`,
    ...Object.entries(s.imagesSkipped).filter(([k, n]) => n > 0 && k !== 'nonPublic' && s.skippedExamples[k]?.length).map(([k, n]) => `  ${k}: ${s.skippedExamples[k].slice(0, 3).join('; ')}${n > 3 ? `; and ${n - 3} more` : ''}`),
    `boxes kept: train ${s.boxes.kept.train}, val ${s.boxes.kept.val}, test ${s.boxes.kept.test}; clipped ${s.boxes.clipped}; dropped: ${dropped}`,
    `frames: ${Object.entries(s.frames).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `${s.options.imgsz}x${s.options.imgsz} ${s.options.mode}, seed ${s.options.seed}, ${s.seconds.toFixed(1)} s${s.imagesPerSecond ? `, ${s.imagesPerSecond.toFixed(1)} images/s` : ''}`,
    `summary: ${s.outputs.summary}`,
  ].join('\n');
}
