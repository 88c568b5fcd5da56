/**
 * The protocol's binary tensor form, shared by REST's binary extension and gRPC's raw contents: little-endian,
 * row-major, BOOL one byte, BYTES elements each a 4-byte little-endian length then the bytes.
 */
import type { TensorValue } from '../contract.js';
import { errors } from '../errors.js';
import { elementBytes } from './datatypes.js';
import type { DeclaredTensor } from './declared-tensor.js';

type NumericDtype = Exclude<TensorValue['dtype'], 'string'>;

export function decodeTensorBytes(declared: DeclaredTensor, bytes: Uint8Array, where: string): TensorValue {
  const { field, dtype, dims, size } = declared;
  if (dtype === 'string') return { dtype, dims, data: decodeStrings(bytes, size, `${field} ${where}`) };
  const expected = size * elementBytes(dtype);
  if (bytes.byteLength !== expected) {
    throw errors.shapeMismatch(`${field} ${where}`, `[${dims.join(', ')}] × ${declared.datatype} = ${expected} bytes`, `${bytes.byteLength} bytes`);
  }
  // A copy at offset 0: typed arrays need aligned offsets, and the tensor must own its buffer (it is transferred).
  // (`new Uint8Array(view)` copies; a Buffer's `slice` would not.)
  const buffer = new Uint8Array(bytes).buffer;
  const data = viewAs(dtype, buffer);
  if (dtype === 'bool') {
    const bad = (data as Uint8Array).findIndex((value) => value > 1);
    if (bad >= 0) throw errors.dtypeMismatch(`${field} ${where}[${bad}]`, 'bool', `byte ${(data as Uint8Array)[bad]}`);
  }
  return { dtype, dims, data };
}

function viewAs(dtype: NumericDtype, buffer: ArrayBuffer): Exclude<TensorValue['data'], string[]> {
  switch (dtype) {
    case 'float32': return new Float32Array(buffer);
    case 'float64': return new Float64Array(buffer);
    case 'int32': return new Int32Array(buffer);
    case 'int64': return new BigInt64Array(buffer);
    case 'int8': return new Int8Array(buffer);
    case 'uint8': case 'bool': return new Uint8Array(buffer);
  }
}

function decodeStrings(bytes: Uint8Array, size: number, field: string): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const out: string[] = [];
  let offset = 0;
  while (offset < bytes.byteLength) {
    if (offset + 4 > bytes.byteLength) throw errors.invalidInput(field, 'a 4-byte length before each BYTES element', `${bytes.byteLength - offset} trailing bytes`);
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > bytes.byteLength) throw errors.invalidInput(field, `an element of ${length} bytes`, `${bytes.byteLength - offset} bytes left`);
    try {
      out.push(decoder.decode(bytes.subarray(offset, offset + length)));
    } catch {
      throw errors.dtypeMismatch(`${field}[${out.length}]`, 'string', 'bytes that are not UTF-8');
    }
    offset += length;
  }
  if (out.length !== size) throw errors.shapeMismatch(field, `${size} BYTES elements`, `${out.length}`);
  return out;
}

/** Little-endian bytes of a tensor (this runtime only runs on little-endian machines, as onnxruntime does). */
export function encodeTensorBytes(tensor: TensorValue): Buffer {
  const { data } = tensor;
  if (Array.isArray(data)) {
    const parts = data.flatMap((text) => {
      const body = Buffer.from(text, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(body.byteLength);
      return [length, body];
    });
    return Buffer.concat(parts);
  }
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
