/**
 * concatAlong / splitAlong as properties: for any rank, batch axis and per-item sizes, splitting a concatenation
 * gives back every item exactly, and each piece equals the item computed by plain index arithmetic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TensorValue } from '../../../runtime-template/contract.js';
import { BatchSplitError, concatAlong, sizeOf, splitAlong } from '../../../runtime-template/tensors/along-axis.js';

const tensor = (dims: number[], start: number): TensorValue => ({
  dtype: 'float32',
  dims,
  data: Float32Array.from({ length: sizeOf(dims) }, (_, i) => start + i),
});

/** The element at `index` of a row-major tensor. */
function at(t: TensorValue, index: number[]): number {
  let offset = 0;
  for (let i = 0; i < t.dims.length; i += 1) offset = offset * t.dims[i]! + index[i]!;
  return t.data[offset] as number;
}

const layout = fc
  .record({ inner: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), rows: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }) })
  .chain(({ inner, rows }) => fc.record({ inner: fc.constant(inner), rows: fc.constant(rows), axis: fc.integer({ min: 0, max: inner.length }) }));

describe('concatAlong / splitAlong', () => {
  it('split(concat(items)) gives back every item, for any axis', () => {
    fc.assert(
      fc.property(layout, ({ inner, rows, axis }) => {
        const items = rows.map((count, i) => tensor([...inner.slice(0, axis), count, ...inner.slice(axis)], i * 1000));
        const joined = concatAlong(items, axis);
        expect(joined.dims[axis]).toBe(rows.reduce((a, b) => a + b, 0));
        // Element by element: row r of item k sits at offset (sum of earlier items' rows) + r along the axis.
        let before = 0;
        items.forEach((item, k) => {
          for (let flat = 0; flat < item.data.length; flat += 1) {
            const index: number[] = [];
            let rest = flat;
            for (let d = item.dims.length - 1; d >= 0; d -= 1) {
              index[d] = rest % item.dims[d]!;
              rest = Math.floor(rest / item.dims[d]!);
            }
            const shifted = index.map((v, d) => (d === axis ? v + before : v));
            expect(at(joined, shifted)).toBe(at(item, index));
          }
          before += rows[k]!;
        });
        const pieces = splitAlong(joined, axis, rows);
        expect(pieces).toHaveLength(items.length);
        pieces.forEach((piece, k) => {
          expect(piece.dims).toEqual(items[k]!.dims);
          expect(Array.from(piece.data as Float32Array)).toEqual(Array.from(items[k]!.data as Float32Array));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('refuses to split an output whose size along the axis is not the batch', () => {
    const output = tensor([3, 2], 0);
    expect(() => splitAlong(output, 0, [1, 1])).toThrow(BatchSplitError);
    expect(() => splitAlong(output, 1, [1, 2])).toThrow(BatchSplitError);
    expect(() => splitAlong(output, 2, [1])).toThrow(BatchSplitError);
  });

  it('passes a single tensor through and refuses mismatched inner dims', () => {
    const only = tensor([1, 2], 0);
    expect(concatAlong([only], 0)).toBe(only);
    expect(() => concatAlong([tensor([1, 2], 0), tensor([1, 3], 0)], 0)).toThrow('cannot batch');
    expect(() => concatAlong([tensor([2, 1], 0), tensor([3, 1], 0)], 1)).toThrow('cannot batch');
  });

  it('pieces own their buffers, so each can be transferred on its own', () => {
    const [a, b] = splitAlong(tensor([3, 2], 0), 0, [1, 2]);
    expect((a!.data as Float32Array).buffer).not.toBe((b!.data as Float32Array).buffer);
  });

  it('handles string tensors', () => {
    const s = (dims: number[], values: string[]): TensorValue => ({ dtype: 'string', dims, data: values });
    const joined = concatAlong([s([2, 1], ['a', 'b']), s([2, 2], ['c', 'd', 'e', 'f'])], 1);
    expect(joined.data).toEqual(['a', 'c', 'd', 'b', 'e', 'f']);
    expect(splitAlong(joined, 1, [1, 2]).map((p) => p.data)).toEqual([['a', 'b'], ['c', 'd', 'e', 'f']]);
  });
});
