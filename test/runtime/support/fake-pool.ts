/** A ModelPool without workers or onnxruntime, for `app.inject()` tests of the HTTP layer. */
import type { TensorValue } from '../../../runtime-template/contract.js';
import type { ModelPool, ModelRunResult } from '../../../runtime-template/model/create-model-pool.js';

export type FakeRun = (model: string, feeds: Record<string, TensorValue>) => Record<string, TensorValue>;

/** By default: three-class probabilities peaking at class `row % 3`, and no label output. */
export const oneHotByRow: FakeRun = (_model, feeds) => {
  const rows = Object.values(feeds)[0]!.dims[0] ?? 1;
  const data = new Float32Array(rows * 3).fill(0.1);
  for (let row = 0; row < rows; row++) data[row * 3 + (row % 3)] = 0.8;
  return { probabilities: { dtype: 'float32', dims: [rows, 3], data } };
};

export function createFakePool(options: { ready?: boolean; run?: FakeRun } = {}): ModelPool & { calls: Array<Record<string, TensorValue>> } {
  const calls: Array<Record<string, TensorValue>> = [];
  const run = options.run ?? oneHotByRow;
  return {
    calls,
    ready: Promise.resolve(),
    isReady: () => options.ready ?? true,
    async run(model, feeds): Promise<ModelRunResult> {
      calls.push(feeds);
      return { outputs: run(model, feeds), execMs: 0.1 };
    },
    close: async () => undefined,
  };
}
