import { describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { encodeDigitPng, trainMnist } from '../../samples/mnist/train.js';

// A smaller run than `npm run sample:mnist` (400 digits per class, 8 epochs: ~4 s) keeps the test quick.
const options = { trainPerDigit: 400, epochs: 8 };

describe('mnist sample model', () => {
  const first = trainMnist(options);
  const { test } = first.split;

  it('holds out digits that training never saw', () => {
    expect(first.split.train).toHaveLength(4000);
    expect(test).toHaveLength(1000);
    expect(first.testAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('has the documented signature and classifies held-out digits', async () => {
    const session = await ort.InferenceSession.create(first.modelBytes);
    try {
      expect(session.inputNames).toEqual(['image']);
      expect(session.outputNames).toEqual(['probabilities', 'label']);

      const x = new Float32Array(test.length * 784);
      test.forEach((s, n) => x.set(s.pixels, n * 784));
      const out = await session.run({ image: new ort.Tensor('float32', x, [test.length, 1, 28, 28]) });
      const probs = out.probabilities!;
      const label = out.label!;
      expect(probs.type).toBe('float32');
      expect(probs.dims).toEqual([test.length, 10]);
      expect(label.type).toBe('int64');
      expect(label.dims).toEqual([test.length]);

      const p = probs.data as Float32Array;
      const labels = Array.from(label.data as BigInt64Array, Number);
      for (let r = 0; r < test.length; r++) {
        const row = Array.from(p.subarray(r * 10, r * 10 + 10));
        expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
        expect(labels[r]).toBe(row.indexOf(Math.max(...row)));
      }
      const accuracy = labels.filter((l, i) => l === test[i]!.label).length / test.length;
      expect(accuracy).toBeGreaterThanOrEqual(0.9);
      // The exported graph must agree with the TypeScript forward pass it was trained with.
      expect(Math.abs(accuracy - first.testAccuracy)).toBeLessThanOrEqual(0.002);
    } finally {
      await session.release();
    }
  });

  it('writes digits as 28×28 grayscale PNGs, white ink on black', () => {
    const digit = test[0]!;
    const png = PNG.sync.read(encodeDigitPng(digit.pixels));
    expect([png.width, png.height, png.colorType]).toEqual([28, 28, 0]);
    for (let i = 0; i < 784; i++) {
      expect(Math.abs(png.data[i * 4]! / 255 - digit.pixels[i]!)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    }
    // corners are background
    expect(png.data[0]).toBe(0);
  });

  it('is byte-identical when trained again', () => {
    const second = trainMnist(options);
    expect(Buffer.from(second.modelBytes).equals(Buffer.from(first.modelBytes))).toBe(true);
  });
});
