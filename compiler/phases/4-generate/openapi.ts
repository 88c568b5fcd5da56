import type { ApiSpec, ModelSpec, OutputSpec, RuntimeConfig } from '../../../runtime-template/contract.js';
import { describeInput, requestContent, tensorSchema } from './openapi-request.js';
import { generateV2Paths, V2_TAG } from './openapi-v2.js';


type Schema = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document every bento serves at /openapi.json: one operation per API with request and
 * response schemas derived from the model signature, an example, and the error responses the runtime
 * really sends.
 */
export function generateOpenApi(config: RuntimeConfig): Schema {
  const models = new Map(config.models.map((m) => [m.name, m]));
  const paths: Schema = {};
  for (const api of config.apis) paths[api.route] = { post: generateOperation(api, api.model ? models.get(api.model) : undefined) };
  paths['/readyz'] = probe('Ready once every model is loaded', 'ready', true);
  paths['/livez'] = probe('The process is alive', 'alive', false);
  paths['/healthz'] = probe('The process is alive (alias of /livez)', 'health', false);
  paths['/metrics'] = {
    get: {
      tags: ['infra'],
      summary: 'Prometheus metrics',
      operationId: 'metrics',
      responses: { '200': { description: 'Metrics in the Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  };
  Object.assign(paths, generateV2Paths(config));
  return {
    openapi: '3.1.0',
    info: {
      title: config.service.name,
      version: config.service.version,
      description: config.service.description ?? `Model service \`${config.service.name}\`, built by bentoc.`,
    },
    tags: [
      { name: 'apis', description: 'The service APIs' },
      { name: 'infra', description: 'Health and metrics' },
      V2_TAG,
    ],
    paths,
    components: {
      schemas: { Error: errorSchema },
      responses: {
        BadRequest: errorResponse('The request does not fit the API: the message names the field and the expected value'),
        TooLarge: errorResponse('The body is larger than the server accepts'),
        UnsupportedMediaType: errorResponse('The Content-Type is not one the API accepts'),
        Overloaded: {
          ...errorResponse('The request could not be served within its latency target; retry after the given seconds'),
          headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait before retrying' } },
        },
        Internal: errorResponse('An internal fault: the server logs say more'),
      },
    },
  };
}

function generateOperation(api: ApiSpec, model: ModelSpec | undefined): Schema {
  const request = requestContent(api.input, api.example);
  return {
    tags: ['apis'],
    operationId: api.name,
    summary: api.model ? `Run model \`${api.model}\`` : `Call handler \`${api.name}\``,
    description: describeApi(api),
    requestBody: { required: true, content: request },
    responses: {
      '200': { description: 'The prediction', content: responseContent(api.output, model) },
      '400': { $ref: '#/components/responses/BadRequest' },
      '413': { $ref: '#/components/responses/TooLarge' },
      '415': { $ref: '#/components/responses/UnsupportedMediaType' },
      '500': { $ref: '#/components/responses/Internal' },
      '503': { $ref: '#/components/responses/Overloaded' },
    },
  };
}

function describeApi(api: ApiSpec): string {
  const lines: string[] = [];
  const input = describeInput(api.input);
  if (input) lines.push(input);
  if (api.batch.enabled) {
    lines.push(`Adaptive batching: up to ${api.batch.maxBatchSize} rows per model call, latency target ${api.batch.maxLatencyMs} ms.`);
    const axes = describeBatchAxes(api.batch.axes);
    if (axes) lines.push(axes);
  }
  return lines.join('\n\n');
}

function responseContent(output: OutputSpec, model: ModelSpec | undefined): Schema {
  if (output.type === 'text') return { 'text/plain': { schema: { type: 'string' } } };
  const outputs = model?.outputs ?? [];
  if (output.type === 'json' && output.labels) {
    return { 'application/json': { schema: output.topK ? topKSchema(output.labels) : labelledSchema(output.labels) } };
  }
  const properties = Object.fromEntries(outputs.map((o) => [o.name, tensorSchema(o.dtype, o.shape)]));
  return {
    'application/json': {
      schema: outputs.length > 0 ? { type: 'object', properties, required: outputs.map((o) => o.name) } : {},
    },
  };
}

/** One object per input row: the top label and the k best classes, most probable first. */
function topKSchema(labels: string[]): Schema {
  const label = { type: 'string', enum: labels };
  return {
    type: 'array',
    items: {
      type: 'object',
      required: ['label', 'top_k'],
      properties: {
        label,
        top_k: {
          type: 'array',
          items: { type: 'object', required: ['label', 'probability'], properties: { label, probability: { type: 'number', minimum: 0, maximum: 1 } } },
        },
      },
    },
  };
}

/** One object per input row: the top label and every class's probability. */
function labelledSchema(labels: string[]): Schema {
  return {
    type: 'array',
    items: {
      type: 'object',
      required: ['label', 'probabilities'],
      properties: {
        label: { type: 'string', enum: labels },
        probabilities: {
          type: 'object',
          properties: Object.fromEntries(labels.map((l) => [l, { type: 'number', minimum: 0, maximum: 1 }])),
        },
      },
    },
  };
}

function probe(summary: string, operationId: string, canFail: boolean): Schema {
  const responses: Schema = { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } } };
  if (canFail) responses['503'] = { description: 'Not ready yet', content: { 'application/json': { schema: { type: 'object' } } } };
  return { get: { tags: ['infra'], summary, operationId, responses } };
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, machine-readable error code' },
        message: { type: 'string' },
        details: { type: 'object', description: 'What was expected and what was received' },
      },
    },
  },
};

function errorResponse(description: string): Schema {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

/** Which axis of each tensor carries the rows, and which inputs must be equal to share a batch. */
function describeBatchAxes(axes: Record<string, number | null> | undefined): string | undefined {
  if (!axes) return undefined;
  const batched = Object.entries(axes).filter(([, axis]) => axis !== null).map(([name, axis]) => `\`${name}\` on axis ${axis}`);
  const unbatched = Object.entries(axes).filter(([, axis]) => axis === null).map(([name]) => `\`${name}\``);
  const parts = [`Rows are batched along ${batched.join(', ')}.`];
  if (unbatched.length > 0) parts.push(`${unbatched.join(', ')} ${unbatched.length === 1 ? 'has' : 'have'} no batch axis: requests share a model call only when ${unbatched.length === 1 ? 'it is' : 'they are'} equal.`);
  return parts.join(' ');
}
