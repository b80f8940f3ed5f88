import { AugmentWorker } from './augment-worker-client';
import { assembleBatch } from './batch-assembly';
import { Batch, TrainLoader, toBatch } from './train-loader';

/**
 * Training batches built one ahead of the model step. The step is synchronous code on the main
 * thread, so the overlap comes from a worker thread that augments and collates; the main thread only
 * draws the random seeds (keeping the seeded stream identical to an in-process loader) and decodes.
 */
export class BatchPipeline {
  private constructor(
    readonly loader: TrainLoader,
    private readonly worker: AugmentWorker | undefined,
  ) {}

  /** With `useWorker` false (or images not kept in RAM), batches are built in-process. */
  static create(loader: TrainLoader, useWorker: boolean): BatchPipeline {
    const worker = useWorker && loader.cache.keep ? new AugmentWorker(loader.cache.imgsz, loader.hyp, loader.cache.size) : undefined;
    return new BatchPipeline(loader, worker);
  }

  get threaded(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Starts building a batch. Calls must come in batch order, each after the previous one resolved
   * (planning consumes the loader's rng). Images are decoded through the loader's cache.
   */
  async build(indices: number[], mosaic: boolean): Promise<Batch | undefined> {
    const { cache, hyp } = this.loader;
    const p = await this.loader.planBatch(indices, mosaic);
    if (!p) return undefined;
    if (!this.worker) {
      const { px, samples } = assembleBatch(p.plan, cache.size, (i) => p.images.get(i), cache.imgsz, hyp);
      return toBatch(px, samples, cache.imgsz, p.used);
    }
    for (const [i, s] of p.images) this.worker.put(i, s);
    const { px, samples } = await this.worker.build(p.plan);
    return toBatch(px, samples, cache.imgsz, p.used);
  }

  async close(): Promise<void> {
    await this.worker?.close();
  }
}
