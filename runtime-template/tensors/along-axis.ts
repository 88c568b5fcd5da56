/**
 * Joining items' tensors into one batch along a batch axis, and cutting a batch's outputs back per item along
 * that output's own axis. The axis is not always 0: Silero VAD's state tensors carry the batch on axis 1.
 */
import type { TensorValue } from '../contract.js';

type Data = TensorValue['data'];
type NumericData = Exclude<Data, string[]>;

export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

/**
 * Concatenates tensors of equal dtype and equal dims except `axis`, along `axis`. One tensor is passed through
 * untouched. Throws on a mismatch: the batch key is meant to make one impossible, so it is a bug.
 */
export function concatAlong(tensors: readonly TensorValue[], axis: number): TensorValue {
  const first = tensors[0];
  if (!first) throw new Error('concatAlong needs at least one tensor');
  if (tensors.length === 1) return first;
  if (axis < 0 || axis >= first.dims.length) throw new Error(`axis ${axis} is outside a rank-${first.dims.length} tensor`);
  let total = 0;
  for (const tensor of tensors) {
    const same = tensor.dtype === first.dtype && tensor.dims.length === first.dims.length &&
      tensor.dims.every((dim, i) => i === axis || dim === first.dims[i]);
    if (!same) throw new Error(`cannot batch ${tensor.dtype}[${tensor.dims}] with ${first.dtype}[${first.dims}] along axis ${axis}`);
    total += tensor.dims[axis]!;
  }
  const outer = sizeOf(first.dims.slice(0, axis));
  const inner = sizeOf(first.dims.slice(axis + 1));
  const dims = first.dims.map((dim, i) => (i === axis ? total : dim));
  const out = allocateLike(first.data, sizeOf(dims));
  let offset = 0;
  for (let o = 0; o < outer; o += 1) {
    for (const tensor of tensors) {
      const length = tensor.dims[axis]! * inner;
      copyInto(out, tensor.data, o * length, length, offset);
      offset += length;
    }
  }
  return { dtype: first.dtype, dims, data: out };
}

/**
 * Splits a batch output along `axis` into one tensor per item, `counts[i]` slices each. Throws when the
 * counts do not add up to the output's size along that axis: no item may get rows that are not its own.
 */
export function splitAlong(tensor: TensorValue, axis: number, counts: readonly number[]): TensorValue[] {
  if (axis < 0 || axis >= tensor.dims.length) throw new BatchSplitError(`has rank ${tensor.dims.length}, no axis ${axis}`);
  const total = counts.reduce((sum, count) => sum + count, 0);
  const size = tensor.dims[axis]!;
  if (size !== total) throw new BatchSplitError(`has ${size} along axis ${axis} for a batch of ${total} rows`);
  const outer = sizeOf(tensor.dims.slice(0, axis));
  const inner = sizeOf(tensor.dims.slice(axis + 1));
  let start = 0;
  return counts.map((count) => {
    const dims = tensor.dims.map((dim, i) => (i === axis ? count : dim));
    // A copy per piece (never a view) so each can be transferred or detached on its own.
    const data = allocateLike(tensor.data, sizeOf(dims));
    for (let o = 0; o < outer; o += 1) copyInto(data, tensor.data, (o * size + start) * inner, count * inner, o * count * inner);
    start += count;
    return { dtype: tensor.dtype, dims, data };
  });
}

/** An output that cannot be cut back into the batch's items: the whole batch fails rather than mix answers. */
export class BatchSplitError extends Error {
  override name = 'BatchSplitError';
}

function allocateLike(data: Data, length: number): Data {
  if (Array.isArray(data)) return new Array<string>(length);
  return new (data.constructor as new (length: number) => NumericData)(length);
}

function copyInto(target: Data, source: Data, from: number, length: number, at: number): void {
  if (Array.isArray(target)) {
    for (let i = 0; i < length; i += 1) target[at + i] = (source as string[])[from + i]!;
    return;
  }
  (target as Float32Array).set((source as Float32Array).subarray(from, from + length), at);
}
