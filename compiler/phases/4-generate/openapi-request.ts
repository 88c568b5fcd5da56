/** The request side of each API operation in the OpenAPI spec: one media type per body form the runtime accepts. */
import type { DataframeInputSpec, Dim, Dtype, ImageInputSpec, InputSpec } from '../../../runtime-template/contract.js';

type Schema = Record<string, unknown>;

const BINARY = { type: 'string', format: 'binary' };

export function requestContent(input: InputSpec, example: unknown): Schema {
  switch (input.type) {
    case 'text':
      return { 'text/plain': { schema: { type: 'string' }, example } };
    case 'json':
      return { 'application/json': { schema: input.schema ?? {}, example } };
    case 'file':
      return {
        'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { ...BINARY, description: 'Any file; its bytes go to the handler' } } } },
        'application/octet-stream': { schema: BINARY },
      };
    case 'image':
      return imageContent(input, example);
    case 'dataframe':
      return dataframeContent(input, example);
    case 'ndarray': {
      if ('inputs' in input) return namedTensorsContent(input.inputs, example);
      const tensor = tensorSchema(input.dtype, input.shape);
      const wrapped = { type: 'object', required: ['instances'], additionalProperties: false, properties: { instances: tensor } };
      return { 'application/json': { schema: { oneOf: [tensor, wrapped] }, example } };
    }
  }
}

/** How an API reads its body, for the operation's description. */
export function describeInput(input: InputSpec): string | undefined {
  switch (input.type) {
    case 'ndarray':
      if ('inputs' in input) {
        const list = input.inputs.map((t) => `\`${t.name}\` ${t.dtype} ${formatDims(t.shape)}`).join(', ');
        return `Input: one nested array per model input (${list}), as \`{"inputs": {"<name>": [...]}}\` or as rows \`{"instances": [{"<name>": ...}, ...]}\`.`;
      }
      return `Input: ${input.dtype} tensor of shape ${formatDims(input.shape)} as nested JSON arrays, or wrapped as \`{"instances": [...]}\`.`;
    case 'image':
      return `Input: PNG or JPEG images, ${input.dynamic ? `${input.color}, each ${sizeOf(input)}` : `${sizeOf(input)} ${input.color}`}` +
        ` (${input.invert ? 'inverted, ' : ''}scaled by ${round(input.scale)}${input.mean ? `, mean ${input.mean.join('/')}` : ''}${input.std ? `, std ${input.std.join('/')}` : ''}).` +
        ' Send base64 in JSON as `{"instances": [{"b64": "..."}]}` (several images give several rows), a multipart upload (field `image`, or any file field), or the raw bytes with `Content-Type: image/png` or `image/jpeg`.';
    case 'dataframe':
      return `Input: a table with columns ${input.columns.map((c) => `\`${c.name}\` (${c.dtype})`).join(', ')}, as JSON ` +
        `${input.orient === 'auto' ? 'in any pandas orient (records, columns, split, values)' : `in pandas orient \`${input.orient}\``}, or as \`text/csv\` with a header row.`;
    case 'file':
      return 'Input: any file, as a multipart upload or as the raw body; the handler receives its bytes.';
    default:
      return undefined;
  }
}

/** How an image is sized for the model, in words. */
function sizeOf(input: ImageInputSpec): string {
  if (!input.dynamic) return `resized to ${input.width}×${input.height}`;
  const { maxSide, multipleOf } = input.dynamic;
  return `kept at its own size (scaled down to a longer side of ${maxSide} if larger${multipleOf > 1 ? `, padded to multiples of ${multipleOf}` : ''}; the \`image-frames\` header of the answer says where each went)`;
}

function imageContent(input: ImageInputSpec, example: unknown): Schema {
  const b64 = { type: 'string', contentEncoding: 'base64', description: 'A PNG or JPEG file, base64-encoded (a `data:image/...;base64,` prefix is allowed)' };
  const instances = { type: 'array', minItems: 1, items: { type: 'object', required: ['b64'], properties: { b64 } } };
  const raw = { schema: { ...BINARY, description: `A ${input.color} image, ${sizeOf(input)}` } };
  return {
    'application/json': { schema: { type: 'object', required: ['instances'], properties: { instances } }, example },
    'multipart/form-data': {
      schema: { type: 'object', required: ['image'], properties: { image: { ...BINARY, description: 'A PNG or JPEG file' } } },
      encoding: { image: { contentType: 'image/png, image/jpeg' } },
    },
    'image/png': raw,
    'image/jpeg': raw,
  };
}

function dataframeContent(input: DataframeInputSpec, example: unknown): Schema {
  const names = input.columns.map((c) => c.name);
  const cell = (dtype: Dtype) => scalarSchema(dtype);
  const row = { type: 'array', minItems: names.length, maxItems: names.length };
  const orients: Record<Exclude<DataframeInputSpec['orient'], 'auto'>, Schema> = {
    records: {
      title: 'records',
      type: 'array', minItems: 1,
      items: { type: 'object', required: names, additionalProperties: false, properties: Object.fromEntries(input.columns.map((c) => [c.name, cell(c.dtype)])) },
    },
    columns: {
      title: 'columns',
      type: 'object', required: names, additionalProperties: false,
      properties: Object.fromEntries(input.columns.map((c) => [c.name, {
        oneOf: [{ type: 'array', items: cell(c.dtype) }, { type: 'object', additionalProperties: cell(c.dtype) }],
      }])),
    },
    split: {
      title: 'split',
      type: 'object', required: ['columns', 'data'],
      properties: { columns: { type: 'array', items: { type: 'string', enum: names } }, index: { type: 'array' }, data: { type: 'array', items: row } },
    },
    values: { title: 'values', type: 'array', minItems: 1, items: row },
  };
  const schema = input.orient === 'auto' ? { oneOf: Object.values(orients) } : orients[input.orient];
  const csvExample = `${names.join(',')}\n${input.columns.map((c) => (c.dtype === 'bool' ? 'false' : c.dtype === 'string' ? '' : '0')).join(',')}\n`;
  return {
    'application/json': { schema, example },
    'text/csv': { schema: { type: 'string', description: `A header row naming the columns (${names.join(', ')}), then one line per row` }, example: csvExample },
  };
}

function namedTensorsContent(inputs: { name: string; dtype: Dtype; shape: Dim[] }[], example: unknown): Schema {
  const names = inputs.map((t) => t.name);
  const tensors = Object.fromEntries(inputs.map((t) => [t.name, tensorSchema(t.dtype, t.shape)]));
  const rows = Object.fromEntries(inputs.map((t) => [t.name, tensorSchema(t.dtype, t.shape.slice(1))]));
  return {
    'application/json': {
      schema: {
        oneOf: [
          { title: 'inputs', type: 'object', required: ['inputs'], properties: { inputs: { type: 'object', required: names, properties: tensors } } },
          { title: 'instances', type: 'object', required: ['instances'], properties: { instances: { type: 'array', minItems: 1, items: { type: 'object', required: names, properties: rows } } } },
        ],
      },
      example,
    },
  };
}

export function tensorSchema(dtype: Dtype, shape: Dim[]): Schema {
  let schema: Schema = scalarSchema(dtype);
  for (const dim of [...shape].reverse()) {
    const fixed = typeof dim === 'number' && dim >= 0;
    schema = fixed ? { type: 'array', items: schema, minItems: dim, maxItems: dim } : { type: 'array', items: schema, minItems: 1 };
  }
  return schema;
}

export function scalarSchema(dtype: Dtype): Schema {
  switch (dtype) {
    case 'float32':
    case 'float64':
      return { type: 'number' };
    case 'bool':
      return { type: 'boolean' };
    case 'string':
      return { type: 'string' };
    case 'uint8':
      return { type: 'integer', minimum: 0, maximum: 255 };
    case 'int8':
      return { type: 'integer', minimum: -128, maximum: 127 };
    default:
      return { type: 'integer' };
  }
}

function formatDims(shape: Dim[]): string {
  return `[${shape.map((d) => (typeof d === 'number' && d >= 0 ? d : 'n')).join(', ')}]`;
}

function round(value: number): string {
  return Math.abs(value - 1 / 255) < 1e-12 ? '1/255' : String(value);
}
