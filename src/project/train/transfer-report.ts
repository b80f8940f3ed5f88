/**
 * What a run took from its initial weights (ultralytics' "Transferred 349/355 items from yolov8n.pt"), kept in
 * the run folder as transfer.json so a reused run can still show it: tensors loaded, and those skipped because
 * their shape differs (the class convolutions when nc differs from the checkpoint's 80).
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoadReport } from '../model/weights/state-dict';

export interface TransferReport {
  source: string;
  loaded: number;
  /** Model tensors the checkpoint filled, out of all the model's tensors. */
  total: number;
  skipped: { name: string; checkpoint: number[]; model: number[] }[];
  missing: string[];
}

export const TRANSFER_FILE = 'transfer.json';

export function transferReport(rep: LoadReport & { source: string }): TransferReport {
  return {
    source: rep.source,
    loaded: rep.loaded.length,
    total: rep.loaded.length + rep.mismatched.length + rep.missing.length,
    skipped: rep.mismatched.map((m) => ({ name: m.name, checkpoint: m.got, model: m.expected })),
    missing: rep.missing,
  };
}

/** Written atomically beside args.json. */
export function writeTransferReport(runDir: string, rep: LoadReport & { source: string }): void {
  const file = path.join(runDir, TRANSFER_FILE);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(transferReport(rep), null, 1));
  fs.renameSync(`${file}.tmp`, file);
}

/** The run's transfer report, or undefined for a run trained from scratch. */
export function readTransferReport(runDir: string): TransferReport | undefined {
  const file = path.join(runDir, TRANSFER_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as TransferReport) : undefined;
}
