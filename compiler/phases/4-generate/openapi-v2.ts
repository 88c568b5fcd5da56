/**
 * The Open Inference Protocol (KServe v2) REST routes in the bento's OpenAPI document: server health and
 * metadata, and per model its metadata, readiness and infer with an example built from its signature. The
 * datatype names mirror runtime-template/v2/datatypes.ts (the compiler never imports the runtime's code).
 */
import type { ApiSpec, Dtype, ModelSpec, RuntimeConfig, TensorSpec } from '../../../runtime-template/contract.js';
import { pickServingApi } from '../../../runtime-template/v2/serving-api.js';

type Schema = Record<string, unknown>;

const DATATYPES: Record<Dtype, string> = {
  bool: 'BOOL', uint8: 'UINT8', int8: 'INT8', int32: 'INT32', int64: 'INT64', float32: 'FP32', float64: 'FP64', string: 'BYTES',
};
/** Examples larger than this many values are left out: a page of zeros helps nobody. */
const MAX_EXAMPLE_VALUES = 1024;

export const V2_TAG = { name: 'v2', description: 'Open Inference Protocol (KServe v2); gRPC on runtime.grpc_port with proto/grpc_predict_v2.proto' };

export function generateV2Paths(config: RuntimeConfig): Schema {
  const paths: Schema = {
    '/v2': get('Server metadata: name, version (the bento version) and protocol extensions', 'v2ServerMetadata', serverMetadataSchema),
    '/v2/health/live': get('Live: 200 while the process answers', 'v2Live', { type: 'object', properties: { live: { type: 'boolean' } } }),
    '/v2/health/ready': get('Ready: 200 once every model is loaded, 400 before and while draining', 'v2Ready', { type: 'object', properties: { ready: { type: 'boolean' } } }, true),
  };
  for (const model of config.models) {
    const api = pickServingApi(config.apis, model.name);
    const base = `/v2/models/${model.name}`;
    paths[base] = get(`Metadata of model \`${model.name}\` (also at ${base}/versions/{version})`, `v2Metadata_${model.name}`, modelMetadataSchema, true);
    paths[`${base}/ready`] = get(`Whether model \`${model.name}\` can run`, `v2ModelReady_${model.name}`, { type: 'object', properties: { name: { type: 'string' }, ready: { type: 'boolean' } } }, true);
    paths[`${base}/infer`] = { post: inferOperation(model, api) };
  }
  return paths;
}

function inferOperation(model: ModelSpec, api: ApiSpec | undefined): Schema {
  const served = api ? `Runs through API \`${api.name}\`'s dispatcher, batched with its requests.` : 'No API runs this model directly: infer answers 400.';
  return {
    tags: ['v2'],
    operationId: `v2Infer_${model.name}`,
    summary: `Infer with model \`${model.name}\``,
    description: `${served} Tensors as JSON \`data\` (flat or nested, row-major), or binary after a JSON header of \`Inference-Header-Content-Length\` bytes with \`parameters.binary_data_size\` per input. Also at /v2/models/${model.name}/versions/{version}/infer.`,
    requestBody: {
      required: true,
      content: { 'application/json': { schema: inferRequestSchema(model), example: exampleRequest(model, api) } },
    },
    responses: {
      '200': { description: 'The outputs (binary ones after the JSON header when asked)', content: { 'application/json': { schema: inferResponseSchema } } },
      '400': v2Error('The request does not fit the model: the message names the tensor'),
      '404': v2Error('No such model or version'),
      '413': v2Error('The body or the rows are more than the server accepts'),
      '503': v2Error('Overloaded (with Retry-After), loading or draining'),
    },
  };
}

function inferRequestSchema(model: ModelSpec): Schema {
  return {
    type: 'object',
    required: ['inputs'],
    properties: {
      id: { type: 'string' },
      inputs: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'shape', 'datatype'],
          properties: {
            name: { type: 'string', enum: model.inputs.map((input) => input.name) },
            shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
            datatype: { type: 'string', enum: [...new Set(model.inputs.map((input) => DATATYPES[input.dtype]))] },
            data: { type: 'array' },
            parameters: { type: 'object', properties: { binary_data_size: { type: 'integer', minimum: 0 } } },
          },
        },
      },
      outputs: {
        type: 'array',
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string', enum: model.outputs.map((output) => output.name) }, parameters: { type: 'object', properties: { binary_data: { type: 'boolean' } } } } },
      },
      parameters: { type: 'object', properties: { binary_data_output: { type: 'boolean' } } },
    },
  };
}

/** One row per input: the API's own example when it is one nested array for the model's single input, else zeros. */
function exampleRequest(model: ModelSpec, api: ApiSpec | undefined): Schema {
  const inputs = model.inputs.map((input) => {
    const fromApi = model.inputs.length === 1 && api?.input.type === 'ndarray' && Array.isArray(api.example) ? (api.example as unknown[]) : undefined;
    const shape = fromApi ? shapeOf(fromApi) : input.shape.map((dim) => (typeof dim === 'number' && dim > 0 ? dim : 1));
    const size = shape.reduce((product, dim) => product * dim, 1);
    const data = fromApi ? fromApi.flat(Infinity) : Array.from({ length: Math.min(size, MAX_EXAMPLE_VALUES) }, () => zeroOf(input));
    return { name: input.name, shape, datatype: DATATYPES[input.dtype], ...(size <= MAX_EXAMPLE_VALUES ? { data } : {}) };
  });
  return { inputs };
}

function shapeOf(value: unknown): number[] {
  const dims: number[] = [];
  for (let node = value; Array.isArray(node); node = node[0]) dims.push(node.length);
  return dims;
}

function zeroOf(input: TensorSpec): unknown {
  return input.dtype === 'string' ? '' : input.dtype === 'bool' ? false : 0;
}

const tensorMetadata = { type: 'object', properties: { name: { type: 'string' }, datatype: { type: 'string' }, shape: { type: 'array', items: { type: 'integer' } } } };
const serverMetadataSchema = { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' }, extensions: { type: 'array', items: { type: 'string' } } } };
const modelMetadataSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, versions: { type: 'array', items: { type: 'string' } }, platform: { type: 'string' }, inputs: { type: 'array', items: tensorMetadata }, outputs: { type: 'array', items: tensorMetadata } },
};
const inferResponseSchema = {
  type: 'object',
  properties: {
    model_name: { type: 'string' },
    model_version: { type: 'string' },
    id: { type: 'string' },
    outputs: { type: 'array', items: { ...tensorMetadata, properties: { ...tensorMetadata.properties, data: { type: 'array' }, parameters: { type: 'object' } } } },
  },
};

function get(summary: string, operationId: string, schema: Schema, canFail = false): Schema {
  const responses: Schema = { '200': { description: 'OK', content: { 'application/json': { schema } } } };
  if (canFail) responses['400'] = v2Error('False, or a bad request');
  if (operationId.startsWith('v2Metadata') || operationId.startsWith('v2ModelReady')) responses['404'] = v2Error('No such model or version');
  // Every operation can meet a malformed request (bad HTTP, an unknown method) before the protocol sees it.
  if (!responses['400'] && !responses['404']) responses['4XX'] = { $ref: '#/components/responses/ClientError' };
  return { get: { tags: ['v2'], summary, operationId, responses } };
}

function v2Error(description: string): Schema {
  return { description, content: { 'application/json': { schema: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } } } } };
}

