/** Batch axes read from a signature: which dim is the batch, per input and output. */
import { describe, expect, it } from 'vitest';
import type { ModelSpec, TensorSpec } from '../../../runtime-template/contract.js';
import { inferBatchAxes } from '../../../compiler/phases/3-analyze/batch-axes.js';

const t = (name: string, ...shape: (number | string)[]): TensorSpec => ({ name, dtype: 'float32', shape });
const model = (inputs: TensorSpec[], outputs: TensorSpec[]): ModelSpec => ({ name: 'm', file: 'm.onnx', sha256: '', inputs, outputs });

describe('inferBatchAxes', () => {
  it.each([
    ['Silero VAD: the shared `batch` symbol, on axis 1 of the state tensors; a scalar has none',
      model([t('input', 'batch', 'sequence'), t('sr'), t('h', 2, 'batch', 64)], [t('output', 'batch', 1), t('hn', 2, 'batch', 64)]),
      { input: 0, sr: null, h: 1, output: 0, hn: 1 }],
    ['a transposed output carries the batch on axis 1',
      model([t('x', 'N', 3)], [t('y', 3, 'N')]), { x: 0, y: 1 }],
    ['a symbol leading an input wins over a shared sequence length',
      model([t('ids', 'b0', 'seq'), t('mask', 'b0', 'seq')], [t('logits', 'b0', 'seq', 2)]), { ids: 0, mask: 0, logits: 0 }],
    ['an anonymous batch with a shared sequence symbol: the leading dynamic dim, never the sequence',
      model([t('x', -1, 'seq')], [t('y', -1, 'seq')]), { x: 0, y: 0 }],
    ['no shared symbol: leading dynamic dims; a fixed leading dim has no batch axis',
      model([t('x', 'a', 4), t('table', 10, 4)], [t('y', 'b', 3), t('sum', 1, 3)]), { x: 0, table: null, y: 0, sum: null }],
    ['a shared symbol off axis 0 when nothing leads with a dynamic dim',
      model([t('x', 3, 'items')], [t('y', 'items'), t('z', 3, 'items')]), { x: 1, y: 0, z: 1 }],
  ])('%s', (_name, signature, axes) => {
    expect(inferBatchAxes(signature)).toEqual(axes);
  });
});
