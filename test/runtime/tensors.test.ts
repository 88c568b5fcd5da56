/** Pure pieces of the runtime: label rows, float formatting, listen options. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TensorValue } from '../../runtime-template/contract.js';
import { createLabelWriter } from '../../runtime-template/adapters/label-rows.js';
import { toNestedArray, toShortestFloat32 } from '../../runtime-template/adapters/tensor-json.js';
import { resolveListenOptions, SettingError } from '../../runtime-template/serve/listen-options.js';

const f32 = (rows: number, values: number[]): TensorValue => ({ dtype: 'float32', dims: [rows, values.length / rows], data: Float32Array.from(values) });

describe('label writer', () => {
  const labels = ['cat', 'dog'];
  const write = (outputs: Record<string, TensorValue>, topK?: number) => {
    const json = createLabelWriter(labels, topK).write(outputs);
    return json === undefined ? undefined : JSON.parse(json);
  };

  it('prefers the model label output over the argmax', () => {
    const rows = write({ probabilities: f32(1, [0.7, 0.3]), label: { dtype: 'int64', dims: [1], data: BigInt64Array.of(1n) } });
    expect(rows).toEqual([{ label: 'dog', probabilities: { cat: 0.7, dog: 0.3 } }]);
  });

  it('works from a label output alone and says so when neither output fits', () => {
    expect(write({ out: { dtype: 'int32', dims: [2, 1], data: Int32Array.of(0, 5) } })).toEqual([{ label: 'cat' }, { label: '5' }]);
    expect(write({ embedding: f32(1, [1, 2, 3]) })).toBeUndefined();
  });

  // The writer prints JSON text itself: it must say exactly what JSON.stringify says of the rows spelled as objects.
  it('writes what JSON.stringify writes for the same rows, for any labels, scores and top_k', () => {
    const reference = (names: string[], scores: Float32Array, rows: number, topK?: number): string => {
      const width = names.length;
      const out = [];
      for (let row = 0; row < rows; row++) {
        const values = Array.from(scores.subarray(row * width, row * width + width), toShortestFloat32);
        let best = 0;
        for (let i = 1; i < width; i++) if (values[i]! > values[best]!) best = i;
        const probabilities = Object.fromEntries(names.map((name, i) => [name, values[i]]));
        if (topK === undefined) out.push({ label: names[best], probabilities });
        else {
          const ranked = names.map((label, index) => ({ label, probability: values[index]!, index }))
            .sort((a, b) => b.probability - a.probability || a.index - b.index)
            .slice(0, topK)
            .map(({ label, probability }) => ({ label, probability }));
          out.push({ label: names[best], top_k: ranked });
        }
      }
      return JSON.stringify(out);
    };
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 6 }).filter((name) => name !== '__proto__'), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
        // A few repeated values among them, so ties in top_k are common.
        fc.array(fc.oneof(fc.float({ noDefaultInfinity: true, noNaN: true }), fc.constantFrom(0, 0.25, 0.5)), { minLength: 48, maxLength: 48 }),
        (names, rows, topK, pool) => {
          const scores = Float32Array.from({ length: rows * names.length }, (_, i) => pool[i % pool.length]!);
          const json = createLabelWriter(names, topK).write({ probabilities: { dtype: 'float32', dims: [rows, names.length], data: scores } });
          expect(json).toBe(reference(names, scores, rows, topK));
        },
      ),
    );
  });
});

describe('toShortestFloat32', () => {
  it('prints float32 values without float64 noise, losslessly', () => {
    for (const value of [0.97, 0.1, 1e-7, 123.456, 1 / 3]) {
      const f = Math.fround(value);
      const short = toShortestFloat32(f);
      expect(Math.fround(short)).toBe(f);
      expect(String(short).length).toBeLessThanOrEqual(String(f).length);
    }
    expect(toShortestFloat32(Math.fround(0.97))).toBe(0.97);
  });

  it('finds the shortest decimal that reads back, for any float32 (against trying every length in turn)', () => {
    const linear = (value: number): number => {
      for (let digits = 1; digits <= 9; digits++) {
        const candidate = Number(value.toPrecision(digits));
        if (Math.fround(candidate) === value) return candidate;
      }
      return value;
    };
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(toShortestFloat32(value)).toBe(linear(value));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('resolveListenOptions', () => {
  const runtime = { port: 5000, host: '0.0.0.0' };
  it('takes flags over env over config', () => {
    expect(resolveListenOptions([], {}, runtime)).toEqual({ port: 5000, host: '0.0.0.0' });
    expect(resolveListenOptions([], { PORT: '6000', HOST: '::' }, runtime)).toEqual({ port: 6000, host: '::' });
    expect(resolveListenOptions(['--port', '7000', '--host=127.0.0.1'], { PORT: '6000' }, runtime)).toEqual({ port: 7000, host: '127.0.0.1' });
  });

  it('refuses bad ports and unknown flags', () => {
    expect(() => resolveListenOptions(['--port', 'http'], {}, runtime)).toThrow('invalid port "http"');
    expect(() => resolveListenOptions(['--prot', '1'], {}, runtime)).toThrow('unknown argument "--prot"');
    expect(() => resolveListenOptions(['--port'], {}, runtime)).toThrow('--port needs a value');
    expect(() => resolveListenOptions([], { PORT: '99999' }, runtime)).toThrow(SettingError);
    expect(() => resolveListenOptions([], { PORT: '99999' }, runtime)).toThrow('PORT=99999 is not a port');
  });
});
