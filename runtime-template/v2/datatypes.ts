/** The Open Inference Protocol's datatype names and the runtime's dtypes, both ways, and tensor sizes. */
import type { Dim, Dtype, TensorSpec } from '../contract.js';

export type V2Datatype = 'BOOL' | 'UINT8' | 'INT8' | 'INT32' | 'INT64' | 'FP32' | 'FP64' | 'BYTES';

const TO_V2: Record<Dtype, V2Datatype> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  int8: 'INT8',
  int32: 'INT32',
  int64: 'INT64',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};

const FROM_V2 = new Map<string, Dtype>(Object.entries(TO_V2).map(([dtype, datatype]) => [datatype, dtype as Dtype]));

/** Datatypes of the protocol that no bento model takes (onnxruntime-node has no 16-bit or unsigned wide arrays here). */
export const UNSUPPORTED_DATATYPES = ['UINT16', 'UINT32', 'UINT64', 'INT16', 'FP16', 'BF16'];

export function toV2Datatype(dtype: Dtype): V2Datatype {
  return TO_V2[dtype];
}

/** The runtime dtype of a protocol datatype, or undefined for one a bento cannot take. */
export function fromV2Datatype(datatype: string): Dtype | undefined {
  return FROM_V2.get(datatype);
}

/** Bytes per element in the binary forms; BYTES elements have their own length prefix. */
export function elementBytes(dtype: Exclude<Dtype, 'string'>): number {
  switch (dtype) {
    case 'float64': case 'int64': return 8;
    case 'float32': case 'int32': return 4;
    case 'uint8': case 'int8': case 'bool': return 1;
  }
}

/** A signature's shape in protocol form: every dynamic dim (named or non-positive) as -1. */
export function toV2Shape(shape: readonly Dim[]): number[] {
  return shape.map((dim) => (typeof dim === 'number' && dim > 0 ? dim : -1));
}

export function toV2TensorMetadata(spec: TensorSpec): { name: string; datatype: V2Datatype; shape: number[] } {
  return { name: spec.name, datatype: toV2Datatype(spec.dtype), shape: toV2Shape(spec.shape) };
}
