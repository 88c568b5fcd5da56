/** Joining items' tensors along dim 0 into one batch, and cutting a batch's outputs back per item. */
import type { TensorValue } from '../contract.js';

type Data = TensorValue['data'];

/** Concatenates tensors of equal dtype and trailing dims along dim 0. One tensor is passed through untouched. */
export function concatRows(tensors: TensorValue[]): TensorValue {
  const first = tensors[0];
  if (!first) throw new Error('concatRows needs at least one tensor');
  if (tensors.length === 1) return first;
  const tail = first.dims.slice(1);
  let rows = 0;
  for (const tensor of tensors) {
    if (tensor.dtype !== first.dtype || tensor.dims.length !== first.dims.length || tensor.dims.slice(1).some((d, i) => d !== tail[i])) {
      throw new Error(`cannot batch ${tensor.dtype}[${tensor.dims}] with ${first.dtype}[${first.dims}]`);
    }
    rows += tensor.dims[0]!;
  }
  return { dtype: first.dtype, dims: [rows, ...tail], data: concatData(tensors.map((tensor) => tensor.data)) };
}

function concatData(parts: Data[]): Data {
  const first = parts[0]!;
  if (Array.isArray(first)) return (parts as string[][]).flat();
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new (first.constructor as new (length: number) => Exclude<Data, string[]>)(length);
  let offset = 0;
  for (const part of parts as Exclude<Data, string[]>[]) {
    (out as Float32Array).set(part as Float32Array, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Splits a batch output into one tensor per item by row counts. An output whose dim 0 is not the batch's row count
 * (a per-batch scalar, say) cannot be split, so every item gets all of it.
 */
export function splitRows(tensor: TensorValue, rowCounts: number[]): TensorValue[] {
  if (rowCounts.length === 1) return [tensor];
  const total = rowCounts.reduce((sum, rows) => sum + rows, 0);
  if (tensor.dims[0] !== total) return rowCounts.map(() => tensor);
  const rowSize = tensor.dims.slice(1).reduce((product, d) => product * d, 1);
  const pieces: TensorValue[] = [];
  let start = 0;
  for (const rows of rowCounts) {
    const end = start + rows * rowSize;
    // `slice` (not `subarray`) so each piece owns its buffer and can be transferred or detached independently.
    pieces.push({ dtype: tensor.dtype, dims: [rows, ...tensor.dims.slice(1)], data: tensor.data.slice(start, end) as Data });
    start = end;
  }
  return pieces;
}
