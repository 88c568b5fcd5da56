import type { Dim, ImageInputSpec, ModelSpec, TensorSpec } from '../../../runtime-template/contract.js';
import type { DiagnosticBag } from '../../diagnostics/index.js';
import type { ResolvedApi } from '../2-validate/index.js';
import { defaults, type ResolvedImageInput } from '../2-validate/resolved-bentofile.js';
import { formatShape } from './shapes.js';

const CHANNELS = { grayscale: 1, rgb: 3 } as const;
const IMAGE_DTYPES = ['float32', 'float64', 'uint8'];

/**
 * Completes an image input from the model's image tensor: a rank-4 input gives the layout (where its 1 or 3 sits),
 * the color and H×W; a rank-3 input is a grayscale [batch, H, W]. What the bentofile states must agree with it.
 */
export function bindImageInput(api: ResolvedApi, declared: ResolvedImageInput, model: ModelSpec | undefined, bag: DiagnosticBag): ImageInputSpec {
  const report = (message: string, hint?: string, key = 'input') => bag.add('input_signature_mismatch', message, { span: api.locate(key), hint });
  const tensor = model ? pickImageTensor(api, model, report) : undefined;
  // Already reported: the rest would only repeat it.
  if (model && !tensor) return { type: 'image', color: 'rgb', width: 1, height: 1, layout: 'nchw', dtype: 'float32', scale: 1, invert: false, maxPixels: 1 };
  const layout = tensor ? detectLayout(tensor, declared, report) : declared.layout ?? 'nchw';
  const modelChannels = tensor && layout !== 'hw' ? tensor.shape[layout === 'nchw' ? 1 : 3]! : undefined;
  const color = declared.color ?? (layout === 'hw' || modelChannels === 1 ? 'grayscale' : 'rgb');
  if (typeof modelChannels === 'number' && modelChannels !== CHANNELS[color]) {
    report(`API \`${api.name}\` declares color ${color} (${CHANNELS[color]} channel${color === 'rgb' ? 's' : ''}), but model input \`${tensor!.name}\` ${formatShape(tensor!.shape)} has ${modelChannels}`,
      `use \`color: ${modelChannels === 1 ? 'grayscale' : 'rgb'}\`, or leave color out`);
  }
  if (layout === 'hw' && color === 'rgb') report(`model input \`${tensor!.name}\` ${formatShape(tensor!.shape)} has no channel dimension, so it cannot take rgb images`, 'use `color: grayscale`');

  const [heightDim, widthDim] = tensor ? spatialDims(tensor.shape, layout) : [undefined, undefined];
  // A model with dynamic H×W and no size in the bentofile takes each image at its own size (bounded and padded).
  const dynamic = tensor && declared.width === undefined && declared.height === undefined && !isFixed(heightDim) && !isFixed(widthDim)
    ? { maxSide: declared.maxSide ?? defaults.imageMaxSide, multipleOf: declared.multipleOf ?? 1 }
    : undefined;
  if (!dynamic && (declared.maxSide !== undefined || declared.multipleOf !== undefined)) {
    report(`API \`${api.name}\` sets \`${declared.maxSide !== undefined ? 'max_side' : 'multiple_of'}\`, which only applies to a model with dynamic height and width and no \`width\`/\`height\``,
      'remove it, or remove `width` and `height` to keep each image\'s own size');
  }
  const exampleSide = dynamic ? Math.ceil(64 / dynamic.multipleOf) * dynamic.multipleOf : undefined;
  const height = exampleSide ?? bindSide(api, 'height', declared.height, heightDim, tensor, report);
  const width = exampleSide ?? bindSide(api, 'width', declared.width, widthDim, tensor, report);

  const dtype = tensor?.dtype ?? 'float32';
  if (!IMAGE_DTYPES.includes(dtype)) report(`model input \`${tensor!.name}\` is ${dtype}; image inputs feed float32, float64 or uint8 tensors`);
  if (dtype === 'uint8' && (declared.mean || declared.std || declared.scale !== undefined)) {
    report(`model input \`${tensor!.name}\` is uint8, so it takes raw pixels: scale, mean and std do not apply`, 'remove them, or export the model with a float input');
  }
  for (const key of ['mean', 'std'] as const) {
    const values = declared[key];
    if (values && values.length !== 1 && values.length !== CHANNELS[color]) {
      bag.add('invalid_value', `\`${key}\` of API \`${api.name}\` has ${values.length} values; ${color} images take 1 or ${CHANNELS[color]}`, { span: api.locate('input') });
    }
  }
  return {
    type: 'image',
    color,
    width,
    height,
    layout,
    dtype,
    scale: declared.scale ?? (dtype === 'uint8' ? 1 : 1 / 255),
    ...(declared.mean ? { mean: declared.mean } : {}),
    ...(declared.std ? { std: declared.std } : {}),
    invert: declared.invert,
    maxPixels: declared.maxPixels,
    ...(dynamic ? { dynamic } : {}),
  };
}

type Report = (message: string, hint?: string, key?: string) => void;

function isFixed(dim: Dim | undefined): boolean {
  return typeof dim === 'number' && dim > 0;
}

function pickImageTensor(api: ResolvedApi, model: ModelSpec, report: Report): TensorSpec | undefined {
  if (model.inputs.length !== 1) {
    report(`model \`${model.name}\` takes ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}); an image API feeds exactly one`,
      'use a handler that builds every input from the request');
    return undefined;
  }
  const tensor = model.inputs[0]!;
  if (tensor.shape.length !== 4 && tensor.shape.length !== 3) {
    report(`API \`${api.name}\` has an image input, but model input \`${tensor.name}\` is ${formatShape(tensor.shape)}, not an image tensor`,
      'image inputs feed a rank-4 tensor [batch, C, H, W] or [batch, H, W, C], or a rank-3 grayscale [batch, H, W]');
    return undefined;
  }
  return tensor;
}

function detectLayout(tensor: TensorSpec, declared: ResolvedImageInput, report: Report): ImageInputSpec['layout'] {
  if (tensor.shape.length === 3) return 'hw';
  const [, c1, , c3] = tensor.shape;
  const isChannels = (dim: Dim | undefined) => dim === 1 || dim === 3;
  const detected = isChannels(c1) ? 'nchw' : isChannels(c3) ? 'nhwc' : undefined;
  if (declared.layout && detected && declared.layout !== detected && !(isChannels(c1) && isChannels(c3))) {
    report(`layout ${declared.layout} does not fit model input \`${tensor.name}\` ${formatShape(tensor.shape)}, which is ${detected}`, `use \`layout: ${detected}\`, or leave layout out`);
  }
  return declared.layout ?? detected ?? 'nchw';
}

function spatialDims(shape: Dim[], layout: ImageInputSpec['layout']): [Dim, Dim] {
  if (layout === 'hw') return [shape[1]!, shape[2]!];
  return layout === 'nchw' ? [shape[2]!, shape[3]!] : [shape[1]!, shape[2]!];
}

function bindSide(api: ResolvedApi, key: 'width' | 'height', declared: number | undefined, dim: Dim | undefined, tensor: TensorSpec | undefined, report: Report): number {
  const fixed = typeof dim === 'number' && dim > 0 ? dim : undefined;
  if (declared !== undefined && fixed !== undefined && declared !== fixed) {
    report(`API \`${api.name}\` declares ${key} ${declared}, but model input \`${tensor!.name}\` ${formatShape(tensor!.shape)} wants ${fixed}`, `use \`${key}: ${fixed}\`, or leave it out`);
  }
  if (declared === undefined && fixed === undefined) {
    report(`API \`${api.name}\`: the image ${key} cannot be read from ${tensor ? `model input \`${tensor.name}\` ${formatShape(tensor.shape)}` : 'a model'}`, `declare it, e.g. \`${key}: 224\``);
  }
  return declared ?? fixed ?? 1;
}
