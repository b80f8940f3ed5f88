import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AugmentHyp } from '../augment/pipeline';
import type { Sample } from '../augment/image';
import type { BatchPlan } from './batch-assembly';

export type WorkerRequest = { type: 'put'; index: number; sample: Sample } | { type: 'batch'; id: number; plan: BatchPlan };
export type WorkerReply = { id: number; px?: Float32Array; samples?: Sample[]; error?: string };

/**
 * The main thread's handle on the augmentation worker. Images are sent once each (the worker keeps
 * them, like the RAM cache); batches are built from plans whose random draws the main thread made.
 */
export class AugmentWorker {
  private readonly worker: Worker;
  private readonly sent = new Set<number>();
  private readonly waiting = new Map<number, { resolve: (r: { px: Float32Array; samples: Sample[] }) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(imgsz: number, hyp: AugmentHyp, n: number) {
    this.worker = new Worker(path.join(__dirname, 'augment-worker.js'), { workerData: { imgsz, hyp, n } });
    // Keeps the process alive only while a batch is awaited (see build): a finished or failed run just exits.
    this.worker.unref();
    this.worker.on('message', (r: WorkerReply) => {
      const w = this.waiting.get(r.id);
      if (!w) return;
      this.waiting.delete(r.id);
      if (this.waiting.size === 0) this.worker.unref();
      if (r.error !== undefined) w.reject(new Error(`augmentation worker: ${r.error}`));
      else w.resolve({ px: r.px!, samples: r.samples! });
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on('error', (e) => fail(new Error(`augmentation worker failed: ${e.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`augmentation worker exited (code ${code})`)));
  }

  /** Sends a decoded image unless the worker already has it (copied: the main thread keeps its own). */
  put(index: number, sample: Sample): void {
    if (this.sent.has(index)) return;
    this.sent.add(index);
    this.worker.postMessage({ type: 'put', index, sample } as WorkerRequest);
  }

  build(plan: BatchPlan): Promise<{ px: Float32Array; samples: Sample[] }> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // An awaited reply is the only pending work at times: without a ref, Node would exit mid-run.
      this.worker.ref();
      this.worker.postMessage({ type: 'batch', id, plan } as WorkerRequest);
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    // Not awaited: the thread holds nothing to save, and awaiting an unref'd thread's exit can leave the
    // event loop empty (Node then ends the process with the run's promise unsettled).
    void this.worker.terminate();
  }
}
