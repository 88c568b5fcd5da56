import type { ApiSpec, Dim, InputSpec, ModelSpec } from '../../../runtime-template/contract.js';
import type { DiagnosticBag } from '../../diagnostics/index.js';
import type { ResolvedApi } from '../2-validate/index.js';

/**
 * Checks each API against its model's signature and completes what the bentofile left out: an ndarray
 * input without dtype/shape takes the model's, and the docs example is derived from the shape.
 */
export function bindApi(api: ResolvedApi, models: Map<string, ModelSpec>, bag: DiagnosticBag): ApiSpec {
  const model = api.model ? models.get(api.model) : undefined;
  const input = bindInput(api, model, bag);
  if (model && api.output.type === 'json' && api.output.labels) checkLabels(api, model, api.output.labels, bag);
  return {
    name: api.name,
    route: api.route,
    model: api.model,
    handler: api.handler?.key,
    input,
    output: api.output,
    batch: api.batch,
    example: api.example ?? exampleFor(input),
  };
}

function bindInput(api: ResolvedApi, model: ModelSpec | undefined, bag: DiagnosticBag): InputSpec {
  const declared = api.input;
  if (declared.type !== 'ndarray') return declared;
  if (!model) {
    if (!declared.dtype || !declared.shape) {
      bag.add('input_signature_mismatch', `API \`${api.name}\` has an ndarray input without a model, so it needs \`dtype\` and \`shape\``, {
        span: api.locate('input'),
        hint: 'e.g. `input: {type: ndarray, dtype: float32, shape: [-1, 4]}`',
      });
    }
    return { type: 'ndarray', dtype: declared.dtype ?? 'float32', shape: declared.shape ?? [-1] };
  }
  if (model.inputs.length !== 1) {
    bag.add('input_signature_mismatch', `model \`${model.name}\` takes ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}); an ndarray API feeds exactly one`, {
      span: api.locate('input'),
      hint: 'use a handler that builds every input from the request',
    });
    return { type: 'ndarray', dtype: declared.dtype ?? 'float32', shape: declared.shape ?? [-1] };
  }
  const tensor = model.inputs[0]!;
  if (declared.dtype && declared.dtype !== tensor.dtype) {
    bag.add('input_signature_mismatch', `API \`${api.name}\` declares dtype ${declared.dtype}, but model input \`${tensor.name}\` is ${tensor.dtype}`, {
      span: api.locate('input'),
      hint: `use \`dtype: ${tensor.dtype}\`, or leave dtype out to take the model's`,
    });
  }
  const shape = declared.shape ?? tensor.shape;
  if (declared.shape && !shapesCompatible(declared.shape, tensor.shape)) {
    bag.add('input_signature_mismatch', `API \`${api.name}\` declares shape ${formatShape(declared.shape)}, but model input \`${tensor.name}\` is ${formatShape(tensor.shape)}`, {
      span: api.locate('input'),
      hint: `use \`shape: ${formatShape(tensor.shape.map((d) => (typeof d === 'string' ? -1 : d)))}\`, or leave shape out`,
    });
  }
  return { type: 'ndarray', dtype: declared.dtype ?? tensor.dtype, shape };
}

function checkLabels(api: ResolvedApi, model: ModelSpec, labels: string[], bag: DiagnosticBag): void {
  const classOutputs = model.outputs.filter((o) => o.dtype.startsWith('float') && o.shape.length === 2);
  const fixed = classOutputs.map((o) => o.shape[1]).filter((d): d is number => typeof d === 'number');
  if (fixed.length > 0 && !fixed.includes(labels.length)) {
    bag.add('labels_mismatch', `API \`${api.name}\` lists ${labels.length} labels, but model \`${model.name}\` scores ${fixed.join(' or ')} classes`, {
      span: api.locate('output'),
      hint: 'give one label per class, in class-index order',
    });
  }
}

const isDynamic = (d: Dim) => typeof d === 'string' || d === -1;

function shapesCompatible(declared: Dim[], model: Dim[]): boolean {
  if (declared.length !== model.length) return false;
  return declared.every((d, i) => isDynamic(d) || isDynamic(model[i]!) || d === model[i]);
}

function formatShape(shape: Dim[]): string {
  return `[${shape.join(', ')}]`;
}

/** One row of zeros (false, "" for other dtypes) in the declared shape: valid, if not meaningful. */
export function exampleFor(input: InputSpec): unknown {
  if (input.type === 'text') return 'hello';
  if (input.type === 'json') return {};
  const fill = input.dtype === 'bool' ? false : input.dtype === 'string' ? '' : 0;
  const build = (dims: Dim[]): unknown => {
    if (dims.length === 0) return fill;
    const size = isDynamic(dims[0]!) ? 1 : (dims[0] as number);
    return Array.from({ length: Math.min(size, 64) }, () => build(dims.slice(1)));
  };
  return build(input.shape);
}
