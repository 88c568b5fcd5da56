import type { DataframeInputSpec, Dtype, InputSpec, ModelSpec } from '../../../runtime-template/contract.js';
import type { DiagnosticBag } from '../../diagnostics/index.js';
import type { ResolvedApi } from '../2-validate/index.js';
import type { ResolvedDataframeInput } from '../2-validate/resolved-bentofile.js';
import { bindImageInput } from './bind-image-input.js';
import { formatShape, isDynamic, shapesCompatible } from './shapes.js';

/** Completes an API's input from its model's signature, reporting what does not fit. */
export function bindInput(api: ResolvedApi, model: ModelSpec | undefined, bag: DiagnosticBag): InputSpec {
  const declared = api.input;
  if (!declared) return deriveInput(api, model, bag);
  const report = (message: string, hint?: string) => bag.add('input_signature_mismatch', message, { span: api.locate('input'), hint });
  switch (declared.type) {
    case 'json':
      return declared;
    case 'text':
    case 'file':
      // Raw text or bytes have no tensor form: only a handler can turn them into one.
      // (With neither, api_without_target has already said what is missing.)
      if (api.model && !api.handler) report(`API \`${api.name}\` has a ${declared.type} input, which needs a handler to feed model \`${api.model}\``, `add \`handler: ./service.ts#${api.name}\``);
      return declared;
    case 'image':
      return bindImageInput(api, declared, model, bag);
    case 'dataframe':
      return bindDataframeInput(api, declared, model, report);
    case 'ndarray':
      return bindNdarrayInput(api, declared, model, report);
  }
}

type Report = (message: string, hint?: string) => void;

/**
 * No `input:` in the bentofile: a model API takes what its signature says (one input → ndarray of its dtype and
 * shape, several → one named array per input). A handler has no signature to read it from.
 */
function deriveInput(api: ResolvedApi, model: ModelSpec | undefined, bag: DiagnosticBag): InputSpec {
  if (model && !api.handler) {
    if (model.inputs.length > 1) return { type: 'ndarray', inputs: model.inputs };
    const [tensor] = model.inputs;
    if (tensor) return { type: 'ndarray', dtype: tensor.dtype, shape: tensor.shape };
  }
  if (api.handler) {
    const tensor = model?.inputs.length === 1 ? model.inputs[0] : undefined;
    bag.add('missing_key', `API \`${api.name}\` has a handler, so it needs an \`input\` saying what a request carries`, {
      span: api.span,
      hint: tensor
        ? `e.g. \`input: {type: ndarray, dtype: ${tensor.dtype}, shape: ${formatShape(tensor.shape.map((d) => (isDynamic(d) ? -1 : d)))}}\` or \`input: {type: json}\``
        : 'e.g. `input: {type: json}` (any JSON, handed to the handler as parsed)',
    });
  }
  return { type: 'json' };
}

function bindNdarrayInput(api: ResolvedApi, declared: Extract<ResolvedApi['input'], { type: 'ndarray' }>, model: ModelSpec | undefined, report: Report): InputSpec {
  if (!model) {
    if (!declared.dtype || !declared.shape) {
      report(`API \`${api.name}\` has an ndarray input without a model, so it needs \`dtype\` and \`shape\``, 'e.g. `input: {type: ndarray, dtype: float32, shape: [-1, 4]}`');
    }
    return { type: 'ndarray', dtype: declared.dtype ?? 'float32', shape: declared.shape ?? [-1] };
  }
  if (model.inputs.length > 1) {
    // Each input keeps its own dtype and shape from the model; one dtype/shape cannot describe them all.
    if (declared.dtype || declared.shape) {
      report(`model \`${model.name}\` takes ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}), so API \`${api.name}\` takes each one's dtype and shape from the model`,
        'remove `dtype` and `shape` from the input');
    }
    return { type: 'ndarray', inputs: model.inputs };
  }
  const tensor = model.inputs[0]!;
  if (declared.dtype && declared.dtype !== tensor.dtype) {
    report(`API \`${api.name}\` declares dtype ${declared.dtype}, but model input \`${tensor.name}\` is ${tensor.dtype}`, `use \`dtype: ${tensor.dtype}\`, or leave dtype out to take the model's`);
  }
  if (declared.shape && !shapesCompatible(declared.shape, tensor.shape)) {
    report(`API \`${api.name}\` declares shape ${formatShape(declared.shape)}, but model input \`${tensor.name}\` is ${formatShape(tensor.shape)}`,
      `use \`shape: ${formatShape(tensor.shape.map((d) => (typeof d === 'string' ? -1 : d)))}\`, or leave shape out`);
  }
  return { type: 'ndarray', dtype: declared.dtype ?? tensor.dtype, shape: declared.shape ?? tensor.shape };
}

function bindDataframeInput(api: ResolvedApi, declared: ResolvedDataframeInput, model: ModelSpec | undefined, report: Report): DataframeInputSpec {
  const tensor = model?.inputs.length === 1 ? model.inputs[0] : undefined;
  if (model && !tensor) report(`model \`${model.name}\` takes ${model.inputs.length} inputs; a dataframe API feeds exactly one`, 'use a handler that builds every input from the request');
  if (tensor && tensor.shape.length !== 2) {
    report(`API \`${api.name}\` has a dataframe input, but model input \`${tensor.name}\` is ${formatShape(tensor.shape)}, not a table [rows, columns]`);
  }
  const width = tensor?.shape[1];
  if (!declared.columns) {
    report(`API \`${api.name}\` has a dataframe input without \`columns\``, `name the ${typeof width === 'number' ? `${width} ` : ''}columns in the order the model wants them, e.g. \`columns: [sepal_length, sepal_width]\``);
  } else if (typeof width === 'number' && declared.columns.length !== width) {
    report(`API \`${api.name}\` declares ${declared.columns.length} columns, but model input \`${tensor!.name}\` ${formatShape(tensor!.shape)} takes ${width}`, 'declare one column per feature, in the model\'s order');
  }
  // Without a model the handler gets float64 values: wide enough for every numeric column.
  const dtype: Dtype = tensor?.dtype ?? 'float64';
  const columns = (declared.columns ?? []).map((column) => ({ name: column.name, dtype: column.dtype ?? dtype }));
  for (const column of columns) {
    if ((column.dtype === 'string') !== (dtype === 'string')) {
      report(`column \`${column.name}\` is ${column.dtype}, which cannot go into the ${dtype} tensor of API \`${api.name}\``, `declare it as ${dtype === 'string' ? 'string' : 'a numeric or bool dtype'}`);
    }
  }
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column.name)) report(`API \`${api.name}\` declares column \`${column.name}\` twice`);
    seen.add(column.name);
  }
  return { type: 'dataframe', orient: declared.orient, columns, dtype };
}
