/**
 * The Open Inference Protocol over HTTP, under `/v2` on the bento's own port. Errors are the protocol's
 * `{"error": "<message>"}` with the catalog's statuses; health answers 200 for true and 400 for false, as the
 * protocol says. The parent app's hooks (metrics, shutdown refusal, logging) apply here too.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isServerFault, toApiError } from '../http/error-handling.js';
import { errors } from '../errors.js';
import { V2_EXTENSIONS, type InferenceService } from './inference-service.js';
import { formatRestInferResponse, HEADER_LENGTH, parseRestInferBody } from './rest-infer-body.js';
import { onReplyClosed, submitWithDeadline } from './submit-with-deadline.js';

export interface V2RestOptions {
  service: InferenceService;
  requestTimeoutMs: number;
  bodyLimitBytes: number;
}

type ModelParams = { model: string; version?: string };
const JSON_TYPE = 'application/json; charset=utf-8';

export function registerV2Routes(app: FastifyInstance, options: V2RestOptions): void {
  app.register(async (v2) => plugin(v2, options), { prefix: '/v2' });
}

async function plugin(v2: FastifyInstance, { service, requestTimeoutMs, bodyLimitBytes }: V2RestOptions): Promise<void> {
  // Infer bodies are JSON or JSON + binary tensors, whatever Content-Type the client sends: read them raw.
  v2.removeAllContentTypeParsers();
  v2.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  v2.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error, bodyLimitBytes);
    if (isServerFault(apiError)) request.log.error({ err: apiError.cause ?? error, code: apiError.code }, apiError.message);
    if (apiError.retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.ceil(apiError.retryAfterSeconds)));
    reply.code(apiError.statusCode).type(JSON_TYPE).send(JSON.stringify({ error: apiError.message }));
  });
  v2.setNotFoundHandler((request, reply) => {
    reply.code(404).type(JSON_TYPE).send(JSON.stringify({ error: `no route ${request.method} ${request.url.split('?')[0]}` }));
  });

  v2.get('', async () => ({ name: service.name, version: service.version, extensions: V2_EXTENSIONS }));
  v2.get('/health/live', async () => ({ live: true }));
  v2.get('/health/ready', async (_request, reply) => {
    const ready = service.isReady();
    return reply.code(ready ? 200 : 400).send({ ready });
  });

  // Triton's repository index (read-only here: a bento's models are fixed), which some clients list models with.
  v2.post('/repository/index', async () =>
    service.models.map((model) => ({ name: model.name, version: service.version, state: model.pipeline && service.isReady() ? 'READY' : 'UNAVAILABLE' })),
  );

  const find = (request: FastifyRequest) => modelOf(service, request);
  for (const base of ['/models/:model', '/models/:model/versions/:version']) {
    v2.get(base, async (request) => service.modelMetadata(find(request)));
    v2.get(`${base}/ready`, async (request, reply) => {
      const model = find(request);
      const ready = service.isReady() && model.pipeline !== undefined;
      return reply.code(ready ? 200 : 400).send({ name: model.name, ready });
    });
    v2.post(`${base}/infer`, {
      // Unknown models and an overloaded dispatcher are answered before the body is read.
      preParsing: async (request) => {
        const refusal = service.refuseEarly(find(request));
        if (refusal) throw refusal;
      },
      handler: async (request, reply) => infer(service, request, reply, requestTimeoutMs),
    });
  }
}

async function infer(service: InferenceService, request: FastifyRequest, reply: FastifyReply, timeoutMs: number) {
  const model = modelOf(service, request);
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.byteLength === 0) throw errors.emptyBody();
  const header = request.headers[HEADER_LENGTH];
  const parsed = parseRestInferBody(body, Array.isArray(header) ? header[0] : header);
  request.body = undefined;
  const receivedAt = performance.now() - reply.elapsedTime;
  const result = await submitWithDeadline((signal) => service.infer(model, parsed, signal, receivedAt), timeoutMs, onReplyClosed(reply));
  const formatted = formatRestInferResponse(result, parsed.binaryOutput);
  if (formatted.headerLength !== undefined) reply.header(HEADER_LENGTH, String(formatted.headerLength));
  return reply.type(formatted.contentType).send(formatted.body);
}

function modelOf(service: InferenceService, request: FastifyRequest) {
  const { model, version } = request.params as ModelParams;
  return service.findModel(model, version);
}
