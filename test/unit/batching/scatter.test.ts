import { describe, expect, it } from 'vitest';
import { SCATTER_SLICE, scatterResults } from '../../../runtime-template/batching/scatter.js';

function entries(count: number) {
  const got: (number | undefined)[] = Array.from({ length: count }, () => undefined);
  return { got, list: got.map((_, i) => ({ resolve: (value: number) => (got[i] = value) })) };
}

describe('scatterResults', () => {
  it('hands out a slice at a time and lets other work run between slices', async () => {
    const count = SCATTER_SLICE * 3 + 5;
    const { got, list } = entries(count);
    const results = Array.from({ length: count }, (_, i) => i * 10);
    const between: number[] = [];
    // Work queued the way an incoming request or a /healthz probe would be: on the next turn.
    setImmediate(() => between.push(got.filter((value) => value !== undefined).length));
    const done = scatterResults(list, results, (fn) => setImmediate(fn));
    expect(got.filter((value) => value !== undefined)).toHaveLength(SCATTER_SLICE);
    await done;
    expect(got).toEqual(results);
    expect(between[0]).toBeLessThan(count);
  });

  it('hands out everything at once without a defer, or when the batch fits one slice', async () => {
    const big = entries(SCATTER_SLICE * 2);
    void scatterResults(big.list, big.got.map((_, i) => i), undefined);
    expect(big.got.every((value) => value !== undefined)).toBe(true);
    const small = entries(3);
    const deferred: (() => void)[] = [];
    await scatterResults(small.list, [7, 8, 9], (fn) => deferred.push(fn));
    expect(small.got).toEqual([7, 8, 9]);
    expect(deferred).toHaveLength(0);
  });
});
