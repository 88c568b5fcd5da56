/**
 * The header of one v2 input (name, datatype, shape), checked before its data is read: the data's form (JSON
 * values, binary bytes, typed gRPC contents) is decoded against it, and the model's signature is checked after.
 */
import type { Dtype } from '../contract.js';
import { describeValue, errors } from '../errors.js';
import { fromV2Datatype, UNSUPPORTED_DATATYPES } from './datatypes.js';

export interface DeclaredTensor {
  name: string;
  /** How errors name it: `input "x"`. */
  field: string;
  datatype: string;
  dtype: Dtype;
  dims: number[];
  /** Elements: the product of dims. */
  size: number;
}

/** Largest element count one tensor may declare; past it the body limit would refuse the data anyway. */
const MAX_ELEMENTS = 2 ** 31 - 1;

export function fieldOf(name: string): string {
  return `input "${name}"`;
}

export function declareTensor(name: unknown, datatype: unknown, shape: unknown, index: number): DeclaredTensor {
  if (typeof name !== 'string' || name === '') throw errors.invalidInput(`inputs[${index}].name`, 'a tensor name', describeValue(name));
  const field = fieldOf(name);
  if (typeof datatype !== 'string') throw errors.invalidInput(`${field}.datatype`, 'a datatype such as "FP32"', describeValue(datatype));
  const dtype = fromV2Datatype(datatype);
  if (!dtype) {
    const why = UNSUPPORTED_DATATYPES.includes(datatype) ? 'a datatype no bento model takes' : 'an unknown datatype';
    throw errors.invalidInput(`${field}.datatype`, 'one of BOOL, UINT8, INT8, INT32, INT64, FP32, FP64, BYTES', `"${datatype}" (${why})`);
  }
  if (!Array.isArray(shape)) throw errors.invalidInput(`${field}.shape`, 'an array of dimension sizes', describeValue(shape));
  const dims = shape.map((dim) => (typeof dim === 'string' && /^\d+$/.test(dim) ? Number(dim) : dim));
  const bad = dims.findIndex((dim) => typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0);
  if (bad >= 0) throw errors.invalidInput(`${field}.shape[${bad}]`, 'a non-negative integer', describeValue(shape[bad]));
  const size = (dims as number[]).reduce((product, dim) => product * dim, 1);
  if (size > MAX_ELEMENTS) throw errors.invalidInput(`${field}.shape`, `at most ${MAX_ELEMENTS} elements`, `[${dims.join(', ')}]`);
  return { name, field, datatype, dtype, dims: dims as number[], size };
}
