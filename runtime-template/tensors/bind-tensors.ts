/**
 * The one place where named model inputs are built and checked, whatever the request form: nested JSON arrays
 * (the multi-input ndarray adapter, json bodies feeding a model) or tensors the server decoded itself (single-input
 * adapters, the inference protocol). It checks names, dtypes, rank, fixed dims, data length and that every
 * batched input carries the same number of rows along its own batch axis, and computes the item's batch key.
 * A client-made `{dtype, dims, data}` object is never accepted as a tensor.
 */
import type { TensorSpec, TensorValue } from '../contract.js';
import { errors } from '../errors.js';
import { formatShape, isDynamicDim, toTensor } from '../adapters/nested-array.js';
import { computeBatchKey, constantBatchKey, type BatchAxes } from './batch-key.js';
import { sizeOf } from './along-axis.js';

export interface BoundTensors {
  feeds: Record<string, TensorValue>;
  /** Rows along the batch axis (1 when no input has one): what max_batch_size counts. */
  rows: number;
  /** Only items with equal keys may share a batch (see batch-key.ts). */
  key: string;
}

export interface TensorBinder {
  /** One plain JSON value per input name, `field(name)` naming it in errors. */
  fromJson(values: Record<string, unknown>, field: (name: string) => string): BoundTensors;
  /** Tensors built by the server from a request (decoded images, protocol tensors), checked the same way. */
  fromTensors(tensors: Record<string, TensorValue>, field: (name: string) => string): BoundTensors;
}

export function createTensorBinder(inputs: readonly TensorSpec[], axes: BatchAxes): TensorBinder {
  const names = inputs.map((input) => input.name);
  const checkNames = (values: Record<string, unknown>, field: (name: string) => string): void => {
    for (const input of inputs) {
      if (values[input.name] === undefined) {
        throw errors.invalidInput(field(input.name), `a value for model input "${input.name}" (${input.dtype} ${formatShape(input.shape)})`, 'nothing');
      }
    }
    let keys = 0;
    for (const _ in values) keys += 1;
    if (keys === names.length) return; // every input is there, so nothing else is
    const unknown = Object.keys(values).find((key) => !names.includes(key));
    if (unknown !== undefined) throw errors.invalidInput(field(unknown), `one of the model inputs ${names.join(', ')}`, 'an unknown input');
  };
  const fixedKey = constantBatchKey(inputs, axes);
  const finish = (feeds: Record<string, TensorValue>, field: (name: string) => string): BoundTensors => ({
    feeds,
    rows: countRows(inputs, axes, feeds, field),
    key: fixedKey ?? computeBatchKey(inputs, axes, feeds),
  });
  return {
    fromJson(values, field) {
      checkNames(values, field);
      const feeds: Record<string, TensorValue> = {};
      for (const input of inputs) feeds[input.name] = toTensor(values[input.name], input, field(input.name));
      return finish(feeds, field);
    },
    fromTensors(tensors, field) {
      checkNames(tensors, field);
      for (const input of inputs) checkTensor(tensors[input.name]!, input, field(input.name));
      return finish(tensors, field);
    },
  };
}

const DATA_TYPES: Record<TensorSpec['dtype'], string> = {
  float32: 'Float32Array',
  float64: 'Float64Array',
  int32: 'Int32Array',
  int64: 'BigInt64Array',
  uint8: 'Uint8Array',
  bool: 'Uint8Array',
  int8: 'Int8Array',
  string: 'Array',
};

function checkTensor(tensor: TensorValue, spec: TensorSpec, field: string): void {
  if (tensor.dtype !== spec.dtype) throw errors.dtypeMismatch(field, spec.dtype, tensor.dtype);
  const dims = tensor.dims;
  // Messages are spelled out only for an error: formatting the shape per request was a visible cost (profiled).
  const expected = () => formatShape(spec.shape);
  if (!Array.isArray(dims) || dims.some((dim) => !Number.isInteger(dim) || dim < 0)) throw errors.shapeMismatch(field, expected(), 'an invalid shape');
  if (dims.length !== spec.shape.length) throw errors.shapeMismatch(field, `${expected()} (rank ${spec.shape.length})`, `rank ${dims.length} ${formatShape(dims)}`);
  for (let i = 0; i < dims.length; i++) {
    const dim = spec.shape[i]!;
    if (!isDynamicDim(dim) && dims[i] !== dim) throw errors.shapeMismatch(field, expected(), formatShape(dims));
  }
  if (dims.includes(0)) throw errors.emptyInput(field);
  const dataType = Array.isArray(tensor.data) ? 'Array' : tensor.data?.constructor?.name;
  if (dataType !== DATA_TYPES[spec.dtype]) throw new Error(`${field}: ${spec.dtype} tensor built with ${dataType} data`);
  if (tensor.data.length !== sizeOf(dims)) {
    throw errors.shapeMismatch(field, `${sizeOf(dims)} values for shape ${formatShape(dims)}`, `${tensor.data.length} values`);
  }
}

/** Rows along each batched input's own axis; they must agree across inputs. */
function countRows(inputs: readonly TensorSpec[], axes: BatchAxes, feeds: Record<string, TensorValue>, field: (name: string) => string): number {
  let rows: number | undefined;
  let first = '';
  for (const input of inputs) {
    const axis = axes[input.name];
    if (axis === null || axis === undefined) continue;
    const got = feeds[input.name]!.dims[axis]!;
    if (rows === undefined) {
      rows = got;
      first = input.name;
    } else if (got !== rows) {
      throw errors.shapeMismatch(field(input.name), `${rows} rows along axis ${axis} (the batch axis), like ${field(first)}`, `${got}`);
    }
  }
  return rows ?? 1;
}
