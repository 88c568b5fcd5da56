/**
 * `ndarray` input of a multi-input model: one nested array per model input, KServe-v1/TF-Serving style, either
 * columnar `{"inputs": {"ids": [[...]], "mask": [[...]]}}` (or the bare object) or row-wise
 * `{"instances": [{"ids": [...], "mask": [...]}, ...]}`. Every input is built and checked by the shared binder
 * (tensors/bind-tensors.ts): dtype, shape, and rows along each input's own batch axis.
 */
import type { MultiNdarrayInputSpec, TensorSpec, TensorValue } from '../contract.js';
import { describeValue, errors } from '../errors.js';
import { concatAlong } from '../tensors/along-axis.js';
import { createTensorBinder } from '../tensors/bind-tensors.js';
import type { BatchAxes } from '../tensors/batch-key.js';
import { batchAxesOf } from '../tensors/batch-axes.js';
import { toTensor } from './nested-array.js';
import type { AdapterContext, InputAdapter } from './types.js';

export function createNamedTensorsInput(spec: MultiNdarrayInputSpec, context: AdapterContext): InputAdapter {
  const names = spec.inputs.map((input) => input.name);
  const model = context.model ?? { name: context.api.name, file: '', sha256: '', inputs: spec.inputs, outputs: [] };
  const axes = batchAxesOf(context.api, model);
  const binder = createTensorBinder(spec.inputs, axes);
  const expected = `{"inputs": {${names.map((name) => `"${name}": [...]`).join(', ')}}}`;
  return {
    mediaTypes: ['application/json'],
    parse(body) {
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.invalidInput('body', expected, describeValue(body));
      const record = body as Record<string, unknown>;
      if ('instances' in record) {
        const bound = binder.fromTensors(stackInstances(record.instances, spec.inputs, axes), (name) => `instances[*].${name}`);
        return { value: bound.feeds, rows: bound.rows };
      }
      if ('inputs' in record && !names.includes('inputs')) {
        const inputs = record.inputs;
        if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) throw errors.invalidInput('inputs', expected.slice(11, -1), describeValue(inputs));
        const bound = binder.fromJson(inputs as Record<string, unknown>, (name) => `inputs.${name}`);
        return { value: bound.feeds, rows: bound.rows };
      }
      const bound = binder.fromJson(record, (name) => name);
      return { value: bound.feeds, rows: bound.rows };
    },
  };
}

/**
 * Row-wise instances → one tensor per input: each row's value is that input without its batch axis, stacked along
 * the axis. An input without a batch axis (a scalar setting) must be the same in every instance.
 */
function stackInstances(instances: unknown, inputs: readonly TensorSpec[], axes: BatchAxes): Record<string, TensorValue> {
  if (!Array.isArray(instances)) throw errors.invalidInput('instances', 'an array of objects, one per row', describeValue(instances));
  if (instances.length === 0) throw errors.emptyInput('instances');
  const names = inputs.map((input) => input.name);
  instances.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw errors.invalidInput(`instances[${i}]`, `an object with keys ${names.join(', ')}`, describeValue(row));
    }
    for (const name of names) {
      if (!(name in row)) throw errors.invalidInput(`instances[${i}].${name}`, `a value for model input "${name}"`, 'nothing');
    }
    const unknown = Object.keys(row).find((key) => !names.includes(key));
    if (unknown !== undefined) throw errors.invalidInput(`instances[${i}].${unknown}`, `one of the model inputs ${names.join(', ')}`, 'an unknown input');
  });
  const rows = instances as Record<string, unknown>[];
  const tensors: Record<string, TensorValue> = {};
  for (const input of inputs) {
    const axis = axes[input.name];
    if (axis === null || axis === undefined) {
      const first = JSON.stringify(rows[0]![input.name]);
      const differs = rows.findIndex((row) => JSON.stringify(row[input.name]) !== first);
      if (differs >= 0) throw errors.invalidInput(`instances[${differs}].${input.name}`, `the same value in every instance (${input.name} has no batch axis)`, 'a different value');
      tensors[input.name] = toTensor(rows[0]![input.name], input, `instances[0].${input.name}`);
      continue;
    }
    const rowShape = input.shape.filter((_, i) => i !== axis);
    const pieces = rows.map((row, i) => {
      const piece = toTensor(row[input.name], { dtype: input.dtype, shape: rowShape }, `instances[${i}].${input.name}`);
      // A unit batch dim inserted at the axis leaves the row-major data as it is.
      return { ...piece, dims: [...piece.dims.slice(0, axis), 1, ...piece.dims.slice(axis)] };
    });
    const shapeOf = (tensor: TensorValue) => tensor.dims.filter((_, i) => i !== axis).join(',');
    const odd = pieces.findIndex((piece) => shapeOf(piece) !== shapeOf(pieces[0]!));
    if (odd >= 0) throw errors.shapeMismatch(`instances[${odd}].${input.name}`, `[${pieces[0]!.dims.filter((_, i) => i !== axis)}] like instances[0]`, `[${pieces[odd]!.dims.filter((_, i) => i !== axis)}]`);
    tensors[input.name] = concatAlong(pieces, axis);
  }
  return tensors;
}
