/**
 * An item's batch key: per model input, its dtype and its dims except the batch axis, and for an input without
 * a batch axis (a scalar such as a sample rate, a fixed tensor) its value too. Items may share a batch only when
 * their keys are equal, so concatenation never meets two inner shapes and a side input is never merged.
 */
import { createHash } from 'node:crypto';
import type { TensorSpec, TensorValue } from '../contract.js';

/** Each model input's and output's batch axis, by tensor name; null where it has none. From the compiler. */
export type BatchAxes = Readonly<Record<string, number | null>>;

/** Values of this many elements or fewer go into the key as text; larger ones as a digest. */
const INLINE_VALUES = 16;

export function computeBatchKey(inputs: readonly TensorSpec[], axes: BatchAxes, feeds: Record<string, TensorValue>): string {
  let key = '';
  for (const input of inputs) {
    const tensor = feeds[input.name]!;
    const axis = axes[input.name];
    const dims = tensor.dims.map((dim, i) => (i === axis ? '*' : dim)).join(',');
    key += `${tensor.dtype}[${dims}]`;
    if (axis === null || axis === undefined) key += `=${describeValues(tensor)}`;
    key += ';';
  }
  return key;
}

/**
 * The key every valid item has, when it is fixed by the signature: each input batched, and its other dims fixed.
 * Items are checked against the signature before they are keyed, so the binder can skip computing it per request.
 */
export function constantBatchKey(inputs: readonly TensorSpec[], axes: BatchAxes): string | undefined {
  let key = '';
  for (const input of inputs) {
    const axis = axes[input.name];
    if (axis === null || axis === undefined) return undefined;
    if (input.shape.some((dim, i) => i !== axis && !(typeof dim === 'number' && dim > 0))) return undefined;
    key += `${input.dtype}[${input.shape.map((dim, i) => (i === axis ? '*' : dim)).join(',')}];`;
  }
  return key;
}

function describeValues(tensor: TensorValue): string {
  const { data } = tensor;
  if (data.length <= INLINE_VALUES) return Array.isArray(data) ? JSON.stringify(data) : Array.from(data as ArrayLike<number | bigint>, String).join(',');
  const hash = createHash('sha256');
  if (Array.isArray(data)) hash.update(JSON.stringify(data));
  else hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return hash.digest('base64');
}
