/**
 * The physical limit: onnxruntime called in-process, back to back, with the server's session settings
 * (same threads, no spinning), at each batch size. The best rows/s is what no server can beat here.
 */
import ort from 'onnxruntime-node';

export interface RawTiming {
  batch: number;
  msPerCall: number;
  rowsPerS: number;
}

export interface RawLimit {
  timings: RawTiming[];
  best: RawTiming;
  /** One direct call at batch 1 (ms): the floor for a lone request's latency. */
  singleCallMs: number;
}

export interface RawModel {
  /** Times back-to-back calls at `batch` rows for about `ms` (at least 5 calls). */
  time(batch: number, ms: number): Promise<RawTiming>;
  /** Every batch size in turn; the best is the limit. */
  measure(batches: readonly number[], msPerBatch: number): Promise<RawLimit>;
  close(): Promise<void>;
}

export async function openRawModel(options: { modelPath: string; inputName: string; features: number; threads: number }): Promise<RawModel> {
  const session = await ort.InferenceSession.create(options.modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  });
  const time = async (batch: number, ms: number): Promise<RawTiming> => {
    const data = Float32Array.from({ length: batch * options.features }, (_, i) => ((i * 7919) % 100) / 100);
    const feeds = { [options.inputName]: new ort.Tensor('float32', data, [batch, options.features]) };
    for (let i = 0; i < 3; i += 1) await session.run(feeds);
    let calls = 0;
    const start = performance.now();
    while (calls < 5 || performance.now() - start < ms) {
      await session.run(feeds);
      calls += 1;
    }
    const msPerCall = (performance.now() - start) / calls;
    return { batch, msPerCall, rowsPerS: (1000 * batch) / msPerCall };
  };
  return {
    time,
    async measure(batches, msPerBatch) {
      const timings: RawTiming[] = [];
      for (const batch of batches) timings.push(await time(batch, msPerBatch));
      const best = timings.reduce((a, b) => (b.rowsPerS > a.rowsPerS ? b : a));
      return { timings, best, singleCallMs: timings.find((t) => t.batch === 1)?.msPerCall ?? Number.NaN };
    },
    close: () => session.release(),
  };
}

/**
 * The faster timing of two measurements at each batch size. A 2-core VM's speed drifts (its neighbours, its
 * clock): one 1.5 s sample per size read anywhere from 1,200 to 1,800 rows/s for the same model here.
 */
export function mergeRawLimits(first: RawLimit, second: RawLimit): RawLimit {
  const timings = first.timings.map((timing) => {
    const other = second.timings.find((t) => t.batch === timing.batch);
    return other && other.rowsPerS > timing.rowsPerS ? other : timing;
  });
  const best = timings.reduce((a, b) => (b.rowsPerS > a.rowsPerS ? b : a));
  return { timings, best, singleCallMs: Math.min(first.singleCallMs, second.singleCallMs) };
}
