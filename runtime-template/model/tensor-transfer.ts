/** Moving tensors across the worker boundary without copying where that is safe. */
import type { Dtype, TensorValue } from '../contract.js';
import type { Feeds } from './messages.js';

const SUPPORTED_DTYPES: ReadonlySet<string> = new Set<Dtype>([
  'float32', 'float64', 'int32', 'int64', 'uint8', 'int8', 'bool', 'string',
]);

/**
 * The buffers that may be moved (not copied) to the other thread. Only typed arrays that own their whole
 * buffer qualify: moving a shared buffer would detach unrelated views the sender still uses.
 */
export function collectTransferables(tensors: Feeds): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const tensor of Object.values(tensors)) {
    const data = tensor.data;
    if (Array.isArray(data)) continue;
    const buffer = data.buffer;
    if (buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buffer.byteLength) {
      buffers.add(buffer);
    }
  }
  return [...buffers];
}

/** What an onnxruntime tensor looks like to us; kept structural so this file needs no onnxruntime import. */
export interface OrtTensorLike {
  type: string;
  dims: readonly number[];
  data: unknown;
}

/** Turns an onnxruntime output into a plain TensorValue that owns its buffer (so it can be transferred). */
export function toTensorValue(name: string, tensor: OrtTensorLike): TensorValue {
  if (!SUPPORTED_DTYPES.has(tensor.type)) {
    throw new Error(`output "${name}" has dtype ${tensor.type}, which bentoc cannot return yet`);
  }
  const data = tensor.data as TensorValue['data'];
  return { dtype: tensor.type as Dtype, dims: [...tensor.dims], data: ownData(data) };
}

function ownData(data: TensorValue['data']): TensorValue['data'] {
  if (Array.isArray(data)) return data;
  const owns = data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  // A view into native or shared memory cannot be moved: copy it into a buffer of its own.
  return owns ? data : (data.slice() as TensorValue['data']);
}
