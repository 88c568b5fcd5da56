/** Unlabelled outputs print float32 values at float32 precision, and read back as the very same float32. */
import { expect, it } from 'vitest';
import type { TensorValue } from '../../runtime-template/contract.js';
import { createJsonOutput } from '../../runtime-template/adapters/json-output.js';
import { createNdarrayOutput } from '../../runtime-template/adapters/ndarray-output.js';
import { SHORTEST_FLOAT32_MAX_VALUES } from '../../runtime-template/adapters/tensor-json.js';

const values = [0.97, 0.1, 5.716012e-13, -3.4028234663852886e38, 1 / 3, 0].map(Math.fround);
const tensor = (data: Float32Array, dims: number[]): TensorValue => ({ dtype: 'float32', dims, data }) as TensorValue;

it('prints the shortest decimal that reads back as the same float32 (ndarray and json outputs)', () => {
  const result = { scores: tensor(Float32Array.from(values), [2, 3]) };
  for (const output of [createNdarrayOutput(), createJsonOutput({ type: 'json' })]) {
    const body = output.format(result).body as string;
    expect(body).toBe('{"scores":[[0.97,0.1,5.716012e-13],[-3.4028235e+38,0.33333334,0]]}');
    const parsed = (JSON.parse(body) as { scores: number[][] }).scores.flat();
    expect(Float32Array.from(parsed)).toEqual(Float32Array.from(values));
  }
});

it('prints a handler’s Float32Array the same way', () => {
  const body = createJsonOutput({ type: 'json' }).format({ embedding: Float32Array.from(values.slice(0, 2)) }).body;
  expect(body).toBe('{"embedding":[0.97,0.1]}');
});

it('keeps the exact float64 form for tensors too large to shorten on the event loop', () => {
  const big = new Float32Array(SHORTEST_FLOAT32_MAX_VALUES + 1).fill(Math.fround(0.97));
  const body = createNdarrayOutput().format({ big: tensor(big, [big.length]) }).body as string;
  expect(body.startsWith('{"big":[0.9700000286102295,')).toBe(true);
});
