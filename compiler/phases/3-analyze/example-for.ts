import { PNG } from 'pngjs';
import type { Dim, Dtype, ImageInputSpec, InputSpec } from '../../../runtime-template/contract.js';
import { isDynamic } from './shapes.js';

/**
 * A request body for the docs and Swagger UI's "Try it out", valid if not meaningful: zeros in the declared shape,
 * a black image of the model's size, one row of zeros per column. `file` inputs have none (any bytes will do).
 */
export function exampleFor(input: InputSpec): unknown {
  switch (input.type) {
    case 'text':
      return 'hello';
    case 'json':
      return {};
    case 'file':
      return undefined;
    case 'image':
      return { instances: [{ b64: blankPng(input).toString('base64') }] };
    case 'dataframe': {
      const row = Object.fromEntries(input.columns.map((column) => [column.name, zero(column.dtype)]));
      return input.orient === 'values' ? [Object.values(row)]
        : input.orient === 'columns' ? Object.fromEntries(Object.entries(row).map(([name, value]) => [name, [value]]))
          : input.orient === 'split' ? { columns: Object.keys(row), data: [Object.values(row)] }
            : [row];
    }
    case 'ndarray':
      if ('inputs' in input) return { inputs: Object.fromEntries(input.inputs.map((tensor) => [tensor.name, zeros(tensor.dtype, tensor.shape)])) };
      return zeros(input.dtype, input.shape);
  }
}

function zero(dtype: Dtype): unknown {
  return dtype === 'bool' ? false : dtype === 'string' ? '' : 0;
}

/** One row of zeros (dynamic dims become 1, long ones are capped) in `shape`. */
function zeros(dtype: Dtype, shape: Dim[]): unknown {
  const build = (dims: Dim[]): unknown => {
    if (dims.length === 0) return zero(dtype);
    const size = isDynamic(dims[0]!) ? 1 : (dims[0] as number);
    return Array.from({ length: Math.min(size, 64) }, () => build(dims.slice(1)));
  };
  return build(shape);
}

/** A black PNG of the input's size and color: compresses to a few hundred bytes even at 224×224. */
function blankPng(input: ImageInputSpec): Buffer {
  const png = new PNG({ width: input.width, height: input.height, colorType: input.color === 'rgb' ? 2 : 0, inputHasAlpha: false });
  png.data = Buffer.alloc(input.width * input.height * 4);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  return PNG.sync.write(png, { colorType: input.color === 'rgb' ? 2 : 0 });
}
