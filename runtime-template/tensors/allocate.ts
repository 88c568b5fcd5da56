/** A tensor's data array, zero-filled (empty strings left unset), for a dtype and a number of values. */
import type { Dtype, TensorValue } from '../contract.js';

export function allocate(dtype: Dtype, size: number): TensorValue['data'] {
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
    case 'int64': return new BigInt64Array(size);
    case 'uint8': case 'bool': return new Uint8Array(size);
    case 'int8': return new Int8Array(size);
    case 'string': return new Array<string>(size);
  }
}
