/** A v2 REST tensor's `data`, flat or nested, row-major, into typed data; and typed data back to a flat JSON list. */
import type { TensorValue } from '../contract.js';
import { INTEGER_RANGES } from '../adapters/nested-array.js';
import { allocate } from '../tensors/allocate.js';
import { toNestedArray } from '../adapters/tensor-json.js';
import { describeValue, errors } from '../errors.js';
import type { DeclaredTensor } from './declared-tensor.js';

export function decodeJsonData(declared: DeclaredTensor, data: unknown): TensorValue {
  const { field, dtype, dims, size, datatype } = declared;
  if (!Array.isArray(data)) throw errors.invalidInput(`${field}.data`, `an array of ${size} values`, describeValue(data));
  const values = flatten(data, size, field);
  if (values.length !== size) {
    throw errors.shapeMismatch(`${field}.data`, `[${dims.join(', ')}] (${size} values)`, `${values.length} values`);
  }
  const out = allocate(dtype, size) as unknown[];
  const accept = leafFor(dtype);
  for (let i = 0; i < size; i++) {
    const converted = accept(values[i]);
    if (converted === undefined) {
      throw errors.dtypeMismatch(`${field}.data[${i}]`, dtype, `${describeValue(values[i])} for datatype ${datatype}`);
    }
    out[i] = converted;
  }
  return { dtype, dims, data: out as TensorValue['data'] };
}

/** Nested arrays are allowed by the protocol; flattening stops early once there are more values than declared. */
function flatten(data: unknown[], size: number, field: string): unknown[] {
  if (!data.some(Array.isArray)) return data;
  const out: unknown[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 32) throw errors.invalidInput(`${field}.data`, 'at most 32 levels of nesting', 'more');
    if (!Array.isArray(node)) {
      out.push(node);
      return;
    }
    for (const child of node) {
      if (out.length > size) return;
      visit(child, depth + 1);
    }
  };
  visit(data, 0);
  return out;
}

function leafFor(dtype: TensorValue['dtype']): (value: unknown) => unknown {
  if (dtype === 'float32' || dtype === 'float64') return (v) => (typeof v === 'number' ? v : undefined);
  if (dtype === 'string') return (v) => (typeof v === 'string' ? v : undefined);
  if (dtype === 'bool') return (v) => (typeof v === 'boolean' ? (v ? 1 : 0) : undefined);
  const [min, max] = INTEGER_RANGES[dtype]!;
  const fits = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  return dtype === 'int64' ? (v) => (fits(v) ? BigInt(v) : undefined) : (v) => (fits(v) ? v : undefined);
}

/**
 * Row-major values as a flat JSON list, as the API routes print them (adapters/tensor-json.ts): float32 in shortest
 * exact form up to SHORTEST_FLOAT32_MAX_VALUES values (past it, shortening would hold the event loop), int64 as
 * numbers, BOOL as true/false.
 */
export function encodeJsonData(tensor: TensorValue): unknown[] {
  return toNestedArray({ ...tensor, dims: [tensor.data.length] }) as unknown[];
}
