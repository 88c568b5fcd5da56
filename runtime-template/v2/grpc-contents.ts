/** gRPC's typed `InferTensorContents`: one repeated field per datatype family, row-major. */
import type { TensorValue } from '../contract.js';
import { INTEGER_RANGES } from '../adapters/nested-array.js';
import { allocate } from '../tensors/allocate.js';
import { describeValue, errors } from '../errors.js';
import type { DeclaredTensor } from './declared-tensor.js';

export type ContentsField =
  | 'bool_contents' | 'int_contents' | 'int64_contents' | 'uint_contents' | 'uint64_contents'
  | 'fp32_contents' | 'fp64_contents' | 'bytes_contents';

export type TensorContents = Partial<Record<ContentsField, unknown[]>>;

const FIELD_OF: Record<TensorValue['dtype'], ContentsField> = {
  bool: 'bool_contents',
  int8: 'int_contents',
  int32: 'int_contents',
  int64: 'int64_contents',
  uint8: 'uint_contents',
  float32: 'fp32_contents',
  float64: 'fp64_contents',
  string: 'bytes_contents',
};

/** Whether any contents field holds values (proto3 gives empty arrays for unset repeated fields). */
export function hasContents(contents: TensorContents | null | undefined): boolean {
  return !!contents && Object.values(contents).some((values) => Array.isArray(values) && values.length > 0);
}

export function decodeContents(declared: DeclaredTensor, contents: TensorContents | null | undefined): TensorValue {
  const { field, dtype, dims, size, datatype } = declared;
  const name = FIELD_OF[dtype];
  const values = contents?.[name] ?? [];
  if (values.length !== size) {
    const other = Object.entries(contents ?? {}).find(([, list]) => Array.isArray(list) && list.length > 0)?.[0];
    const hint = values.length === 0 && other && other !== name ? `datatype ${datatype} travels in ${name}, not ${other}` : undefined;
    throw errors.shapeMismatch(`${field}.contents.${name}`, `[${dims.join(', ')}] (${size} values)`, `${values.length} values`, hint);
  }
  const data = allocate(dtype, size) as unknown[];
  const range = INTEGER_RANGES[dtype];
  for (let i = 0; i < size; i++) {
    const value = values[i];
    if (dtype === 'int64') data[i] = BigInt(value as string);
    else if (dtype === 'bool') data[i] = value ? 1 : 0;
    else if (dtype === 'string') data[i] = Buffer.from(value as Uint8Array).toString('utf8');
    else if (range && ((value as number) < range[0] || (value as number) > range[1])) {
      throw errors.dtypeMismatch(`${field}.contents.${name}[${i}]`, dtype, describeValue(value));
    } else data[i] = value;
  }
  return { dtype, dims, data: data as TensorValue['data'] };
}

/** int64 as decimal strings: exact, and protobufjs encodes them as int64. */
export function encodeContents(tensor: TensorValue): TensorContents {
  const { dtype, data } = tensor;
  const name = FIELD_OF[dtype];
  if (dtype === 'int64') return { [name]: Array.from(data as BigInt64Array, (value) => value.toString()) };
  if (dtype === 'bool') return { [name]: Array.from(data as Uint8Array, (value) => value !== 0) };
  if (dtype === 'string') return { [name]: (data as string[]).map((text) => Buffer.from(text, 'utf8')) };
  return { [name]: Array.from(data as Float32Array) };
}
