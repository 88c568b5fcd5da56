/**
 * `ndarray` input: JSON nested arrays, bare or TF-Serving style `{"instances": [...]}` / `{"inputs": [...]}`;
 * a multi-input model's APIs take one array per input (named-tensors-input.ts).
 */
import type { InputSpec } from '../contract.js';
import { describeValue, errors } from '../errors.js';
import { createNamedTensorsInput } from './named-tensors-input.js';
import { toTensor } from './nested-array.js';
import type { AdapterContext, InputAdapter } from './types.js';

type NdarraySpec = Extract<InputSpec, { type: 'ndarray' }>;

const WRAPPER_KEYS = ['instances', 'inputs'] as const;

export function createNdarrayInput(spec: NdarraySpec, context: AdapterContext): InputAdapter {
  if ('inputs' in spec) return createNamedTensorsInput(spec, context);
  // Errors name the model's input when there is one, so they match the API docs.
  const field = context.model?.inputs[0]?.name ?? 'input';
  return {
    mediaTypes: ['application/json'],
    parse(body) {
      const { value, name } = unwrap(body, field);
      const tensor = toTensor(value, spec, name);
      return { value: tensor, rows: spec.shape.length === 0 ? 1 : tensor.dims[0]! };
    },
  };
}

function unwrap(body: unknown, field: string): { value: unknown; name: string } {
  if (Array.isArray(body) || body === null || typeof body !== 'object') return { value: body, name: field };
  for (const key of WRAPPER_KEYS) {
    if (key in body) return { value: (body as Record<string, unknown>)[key], name: key };
  }
  const keys = Object.keys(body).slice(0, 5).join(', ');
  throw errors.invalidInput('body', 'a nested array or {"instances": [...]}', `${describeValue(body)} with keys [${keys}]`);
}
