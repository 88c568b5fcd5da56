/**
 * TEMPORARY, until `ApiPipeline.bindTensors` lands on main (the lead's tensors/ binder): the same signature,
 * checking named tensors against the model's signature and building the model dispatcher's item. Rows are
 * counted along axis 0 here; the real binder reads each input's own batch axis. Delete on merge.
 */
import type { ModelSpec, TensorValue } from '../contract.js';
import { formatShape, isDynamicDim } from '../adapters/nested-array.js';
import { errors } from '../errors.js';
import type { ModelItem } from '../execution/model-feeds.js';

export type BindTensors = (tensors: Record<string, TensorValue>, field: (name: string) => string) => { item: unknown; rows: number };

export function createBindTensorsShim(model: ModelSpec): BindTensors {
  const names = model.inputs.map((input) => input.name);
  return (tensors, field) => {
    const unknown = Object.keys(tensors).find((name) => !names.includes(name));
    if (unknown !== undefined) throw errors.invalidInput(field(unknown), `one of the model inputs ${names.join(', ')}`, 'an unknown input');
    let rows: number | undefined;
    let first = '';
    for (const spec of model.inputs) {
      const tensor = tensors[spec.name];
      if (!tensor) throw errors.invalidInput(field(spec.name), `a tensor for model input "${spec.name}" (${spec.dtype})`, 'nothing');
      if (tensor.dtype !== spec.dtype) throw errors.dtypeMismatch(field(spec.name), spec.dtype, tensor.dtype);
      const expected = formatShape(spec.shape);
      if (tensor.dims.length !== spec.shape.length) {
        throw errors.shapeMismatch(field(spec.name), `${expected} (rank ${spec.shape.length})`, `rank ${tensor.dims.length} ${formatShape(tensor.dims)}`);
      }
      spec.shape.forEach((dim, i) => {
        if (!isDynamicDim(dim) && tensor.dims[i] !== dim) throw errors.shapeMismatch(field(spec.name), expected, formatShape(tensor.dims));
      });
      const inputRows = tensor.dims[0] ?? 1;
      if (inputRows === 0) throw errors.emptyInput(field(spec.name));
      if (rows === undefined) {
        rows = inputRows;
        first = spec.name;
      } else if (inputRows !== rows) {
        throw errors.shapeMismatch(field(spec.name), `${rows} rows like ${field(first)}`, `${inputRows} rows`);
      }
    }
    const item: ModelItem = { feeds: tensors, rows: rows ?? 1 };
    return { item, rows: item.rows };
  };
}
