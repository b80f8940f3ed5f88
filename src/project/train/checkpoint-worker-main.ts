import { isMainThread, parentPort } from 'node:worker_threads';
import { commitCheckpoint, FileSource } from './checkpoint-commit';
import { appendResult, ResultRow } from './results-csv';

export interface CommitRequest {
  id: number;
  dir: string;
  commits: { tag: string; tensors: { ext: string; from: FileSource }[]; json: FileSource }[];
  /** The epoch's results.csv row, appended right after the commits (never before: a row needs its checkpoint). */
  results?: { file: string; row: ResultRow };
}

function serve(): void {
  parentPort!.on('message', (req: CommitRequest) => {
    try {
      for (const c of req.commits) commitCheckpoint(req.dir, c.tag, c.tensors, c.json);
      if (req.results) appendResult(req.results.file, req.results.row);
      parentPort!.postMessage({ id: req.id });
    } catch (e) {
      parentPort!.postMessage({ id: req.id, error: (e as Error).message });
    }
  });
}

// Importing this module elsewhere (a notebook, a test) does nothing: it serves only as a worker's entry.
if (!isMainThread && parentPort) serve();
