/** Converting JSON nested arrays into typed tensors, checking dtype, rank, shape and raggedness on the way. */
import type { Dim, Dtype, TensorValue } from '../contract.js';
import { describeValue, errors } from '../errors.js';
import { allocate } from '../tensors/allocate.js';

export interface TensorTarget {
  dtype: Dtype;
  shape: Dim[];
}

type Leaf = (value: unknown) => number | bigint | string | undefined;

export const INTEGER_RANGES: Partial<Record<Dtype, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** A dimension is dynamic when the spec names it (`batch`) or gives -1 (or any non-positive size). */
export function isDynamicDim(dim: Dim): boolean {
  return typeof dim === 'string' || dim <= 0;
}

export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.map((dim) => (typeof dim === 'number' && dim < 0 ? 'n' : String(dim))).join(', ')}]`;
}

/** Validates `value` against `target` and packs it; `field` names it in error messages (e.g. `input`). */
export function toTensor(value: unknown, target: TensorTarget, field: string): TensorValue {
  const dims = inferDims(value, target, field);
  let size = 1;
  for (const dim of dims) size *= dim;
  const data = allocate(target.dtype, size);
  // Rows of plain numbers (most requests): one tight loop. Anything it does not accept is packed again below,
  // where the error names the exact element.
  if (dims.length === 2 && (target.dtype === 'float32' || target.dtype === 'float64') && packNumberRows(value as unknown[], dims[1]!, data as Float32Array | Float64Array)) {
    return { dtype: target.dtype, dims, data };
  }
  const leaf = leafConverter(target.dtype);
  let offset = 0;
  // The path (`input[3][17]`) is spelled out only for an error: building it per element cost more than the
  // conversion itself (~0.2 ms for a 784-value row).
  const indices: number[] = [];
  const pathTo = (level: number): string => field + indices.slice(0, level).map((i) => `[${i}]`).join('');
  const fill = (node: unknown, level: number): void => {
    if (level === dims.length) {
      const converted = leaf(node);
      if (converted === undefined) throw errors.dtypeMismatch(pathTo(level), target.dtype, describeValue(node));
      (data as unknown[])[offset++] = converted;
      return;
    }
    if (!Array.isArray(node)) throw errors.raggedArray(pathTo(level), `an array of ${dims[level]}`, describeValue(node));
    if (node.length !== dims[level]) {
      throw errors.raggedArray(pathTo(level), `${dims[level]} elements like its siblings`, `${node.length}`);
    }
    for (let i = 0; i < node.length; i++) {
      indices[level] = i;
      fill(node[i], level + 1);
    }
  };
  fill(value, 0);
  return { dtype: target.dtype, dims, data };
}

/** Packs rows of `width` numbers into `data`; false at the first thing that is not one (the caller then reports it). */
function packNumberRows(rows: unknown[], width: number, data: Float32Array | Float64Array): boolean {
  let offset = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!Array.isArray(row) || row.length !== width) return false;
    for (let i = 0; i < width; i++) {
      const value: unknown = row[i];
      if (typeof value !== 'number') return false;
      data[offset++] = value;
    }
  }
  return true;
}

/** Reads dims along the first element of every level, then checks rank and fixed sizes against the spec. */
function inferDims(value: unknown, target: TensorTarget, field: string): number[] {
  const rank = target.shape.length;
  const dims: number[] = [];
  let node = value;
  while (Array.isArray(node)) {
    dims.push(node.length);
    if (node.length === 0) break;
    node = node[0];
  }
  if (rank > 0 && dims[0] === 0) throw errors.emptyInput(field);
  if (dims.length !== rank) {
    const expected = formatShape(target.shape);
    const got = dims.length === 0 ? describeValue(value) : `rank ${dims.length} ${formatShape(dims)}`;
    const hint = dims.length === rank - 1 && rank > 1 && isDynamicDim(target.shape[0]!)
      ? 'a single row must still be wrapped in an outer array, e.g. [[...]]'
      : undefined;
    if (dims.length < rank && dims.includes(0)) throw errors.shapeMismatch(field, expected, `an empty dimension in ${formatShape(dims)}`);
    throw errors.shapeMismatch(field, `${expected} (rank ${rank})`, got, hint);
  }
  for (let i = 0; i < rank; i++) {
    const dim = target.shape[i]!;
    if (!isDynamicDim(dim) && dims[i] !== dim) throw errors.shapeMismatch(field, formatShape(target.shape), formatShape(dims));
  }
  return dims;
}

const leafConverters = new Map<Dtype, Leaf>();

/** Returns the leaf's stored value, or undefined when the JSON value does not fit the dtype. One per dtype. */
function leafConverter(dtype: Dtype): Leaf {
  let leaf = leafConverters.get(dtype);
  if (!leaf) leafConverters.set(dtype, (leaf = makeLeafConverter(dtype)));
  return leaf;
}

function makeLeafConverter(dtype: Dtype): Leaf {
  if (dtype === 'float32' || dtype === 'float64') return (v) => (typeof v === 'number' ? v : undefined);
  if (dtype === 'string') return (v) => (typeof v === 'string' ? v : undefined);
  if (dtype === 'bool') return (v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v === 0 || v === 1 ? v : undefined);
  const [min, max] = INTEGER_RANGES[dtype]!;
  const fits = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  return dtype === 'int64' ? (v) => (fits(v) ? BigInt(v) : undefined) : (v) => (fits(v) ? v : undefined);
}
