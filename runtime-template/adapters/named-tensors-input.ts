/**
 * `ndarray` input of a multi-input model: one nested array per model input, KServe-v1/TF-Serving style, either
 * columnar `{"inputs": {"ids": [[...]], "mask": [[...]]}}` (or the bare object) or row-wise
 * `{"instances": [{"ids": [...], "mask": [...]}, ...]}`. Each input is checked against its own dtype and shape.
 */
import type { MultiNdarrayInputSpec, TensorValue } from '../contract.js';
import { describeValue, errors } from '../errors.js';
import { toTensor } from './nested-array.js';
import type { InputAdapter } from './types.js';

export function createNamedTensorsInput(spec: MultiNdarrayInputSpec): InputAdapter {
  const names = spec.inputs.map((input) => input.name);
  return {
    mediaTypes: ['application/json'],
    parse(body) {
      const { columns, prefix } = toColumns(body, names);
      const tensors: Record<string, TensorValue> = {};
      for (const input of spec.inputs) {
        const value = columns[input.name];
        const field = `${prefix}${input.name}`;
        if (value === undefined) throw errors.invalidInput(field, `a nested array for model input "${input.name}" (${input.dtype})`, 'nothing');
        tensors[input.name] = toTensor(value, input, field);
      }
      const unknown = Object.keys(columns).find((key) => !names.includes(key));
      if (unknown !== undefined) throw errors.invalidInput(`${prefix}${unknown}`, `one of the model inputs ${names.join(', ')}`, 'an unknown input');
      const rows = tensors[names[0]!]!.dims[0] ?? 1;
      for (const name of names) {
        const got = tensors[name]!.dims[0] ?? 1;
        if (got !== rows) throw errors.shapeMismatch(`${prefix}${name}`, `${rows} rows like ${prefix}${names[0]}`, `${got} rows`);
      }
      return { value: tensors, rows };
    },
  };
}

/** The body as one value per input name; rows of `instances` are regrouped per input. */
function toColumns(body: unknown, names: string[]): { columns: Record<string, unknown>; prefix: string } {
  const expected = `{"inputs": {${names.map((name) => `"${name}": [...]`).join(', ')}}}`;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.invalidInput('body', expected, describeValue(body));
  const record = body as Record<string, unknown>;
  if ('instances' in record) {
    const instances = record.instances;
    if (!Array.isArray(instances)) throw errors.invalidInput('instances', 'an array of objects, one per row', describeValue(instances));
    if (instances.length === 0) throw errors.emptyInput('instances');
    const columns: Record<string, unknown[]> = {};
    instances.forEach((row, i) => {
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        throw errors.invalidInput(`instances[${i}]`, `an object with keys ${names.join(', ')}`, describeValue(row));
      }
      for (const [key, value] of Object.entries(row as Record<string, unknown>)) (columns[key] ??= []).push(value);
      for (const name of names) {
        if (!(name in row)) throw errors.invalidInput(`instances[${i}].${name}`, `a value for model input "${name}"`, 'nothing');
      }
    });
    return { columns, prefix: 'instances[*].' };
  }
  if ('inputs' in record && !names.includes('inputs')) {
    const inputs = record.inputs;
    if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) throw errors.invalidInput('inputs', expected.slice(11, -1), describeValue(inputs));
    return { columns: inputs as Record<string, unknown>, prefix: 'inputs.' };
  }
  return { columns: record, prefix: '' };
}
