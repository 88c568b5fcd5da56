/** Turning tensors (and handler results holding them) into JSON. */
import type { TensorValue } from '../contract.js';

export function isTensorValue(value: unknown): value is TensorValue {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<TensorValue>;
  return typeof candidate.dtype === 'string' && Array.isArray(candidate.dims) &&
    (ArrayBuffer.isView(candidate.data) || Array.isArray(candidate.data));
}

/** True for a model's outputs: a plain object whose values are all tensors. */
export function isTensorRecord(value: unknown): value is Record<string, TensorValue> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isTensorValue(value)) return false;
  const values = Object.values(value);
  return values.length > 0 && values.every(isTensorValue);
}

/** A scalar of a tensor as JSON: int64 as a number (exact up to 2^53), bool as true/false. */
export function toJsonScalar(tensor: TensorValue, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (tensor.dtype === 'bool') return value !== 0;
  return value;
}

/** Nested arrays in row-major order; a rank-0 tensor becomes its scalar. */
export function toNestedArray(tensor: TensorValue): unknown {
  const { dims, data } = tensor;
  if (dims.length === 0) return toJsonScalar(tensor, data[0]);
  let offset = 0;
  const build = (level: number): unknown[] => {
    const out = new Array<unknown>(dims[level]!);
    for (let i = 0; i < dims[level]!; i++) {
      out[i] = level === dims.length - 1 ? toJsonScalar(tensor, data[offset++]) : build(level + 1);
    }
    return out;
  };
  return build(0);
}

/** `JSON.stringify` replacer for handler results: tensors, typed arrays and bigints become plain JSON. */
export function replaceTensors(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (isTensorValue(value)) return toNestedArray(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, (item) => (typeof item === 'bigint' ? Number(item) : item));
  }
  return value;
}

/**
 * The shortest decimal that reads back as the same float32, so 0.97f prints as 0.97, not 0.9700000286102295.
 * Reading back is monotonic in the digits kept (more digits land closer), so a binary search over 1..9 finds the
 * fewest in 3–4 tries instead of up to 9 (a visible share of a labelled answer's formatting, profiled).
 */
export function toShortestFloat32(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (value === 0) return 0;
  let low = 1;
  let high = 9; // 9 significant digits always read back as the same float32
  let best = value;
  while (low <= high) {
    const digits = (low + high) >> 1;
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) {
      best = candidate;
      high = digits - 1;
    } else {
      low = digits + 1;
    }
  }
  return best;
}
