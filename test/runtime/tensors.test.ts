/** Pure pieces of the runtime: label rows, float formatting, listen options. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TensorValue } from '../../runtime-template/contract.js';
import { toLabeledRows } from '../../runtime-template/adapters/label-rows.js';
import { toNestedArray, toShortestFloat32 } from '../../runtime-template/adapters/tensor-json.js';
import { resolveListenOptions } from '../../runtime-template/serve/listen-options.js';

const f32 = (rows: number, values: number[]): TensorValue => ({ dtype: 'float32', dims: [rows, values.length / rows], data: Float32Array.from(values) });

describe('toLabeledRows', () => {
  const labels = ['cat', 'dog'];
  it('prefers the model label output over the argmax', () => {
    const rows = toLabeledRows(
      { probabilities: f32(1, [0.7, 0.3]), label: { dtype: 'int64', dims: [1], data: BigInt64Array.of(1n) } },
      labels,
    );
    expect(rows).toEqual([{ label: 'dog', probabilities: { cat: 0.7, dog: 0.3 } }]);
  });

  it('works from a label output alone and says so when neither output fits', () => {
    expect(toLabeledRows({ out: { dtype: 'int32', dims: [2, 1], data: Int32Array.of(0, 5) } }, labels)).toEqual([{ label: 'cat' }, { label: '5' }]);
    expect(toLabeledRows({ embedding: f32(1, [1, 2, 3]) }, labels)).toBeUndefined();
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
  });
});
