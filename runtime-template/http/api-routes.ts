/** `POST <route>` per API: media type → parse → dispatcher → format. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errors } from '../errors.js';
import type { ApiPipeline } from '../execution/create-api-pipeline.js';
import type { Outcome } from '../execution/outcome.js';
import type { InFlightCount } from '../metrics/create-metrics.js';
import type { ModelPool } from '../model/create-model-pool.js';
import { isAcceptedMediaType, toMediaType } from './media-type.js';
import { RequestCancel } from './request-cancel.js';

export interface ApiRouteOptions {
  pool: ModelPool;
  /** Whole-request budget in ms; past it the client gets a 504 (the model call, if running, still finishes). */
  requestTimeoutMs: number;
  bodyLimitBytes: number;
  /** bento_requests_in_flight for this API: counts from arrival until the response ends or the client goes away. */
  inFlight: InFlightCount;
}

export function registerApiRoute(app: FastifyInstance, pipeline: ApiPipeline, options: ApiRouteOptions): void {
  const { input, output, dispatcher, api } = pipeline;
  const { inFlight } = options;
  const leave = (): void => void inFlight.count--;
  app.post(api.route, {
    // Callback style and a plain counter (read when /metrics is scraped): no promise, no label hashing per request.
    onRequest: (_request, reply, done) => {
      inFlight.count++;
      // 'close' fires once whether the response finished or the client disconnected.
      reply.raw.once('close', leave);
      done();
    },
    // Checked before parsing, so a wrong type is a 415 even when the body would not parse either.
    preParsing: async (request) => {
      const mediaType = toMediaType(request.headers['content-type']);
      if (!isAcceptedMediaType(mediaType, input.mediaTypes)) throw errors.unsupportedMediaType(mediaType, input.mediaTypes);
      // The multipart parser streams parts past fastify's body limit, so an announced oversize body is refused here.
      if (mediaType === 'multipart/form-data' && Number(request.headers['content-length'] ?? 0) > options.bodyLimitBytes) {
        throw errors.bodyTooLarge(options.bodyLimitBytes);
      }
      // When even a one-row request would be shed, say so before reading the body: under overload most
      // requests are refused, and parsing bodies only to drop them takes CPU from the model and the probes.
      const refusal = dispatcher.refuseEarly?.(1);
      if (refusal) throw refusal;
    },
    handler: async (request, reply) => {
      if (!options.pool.isReady()) throw errors.notReady();
      const parsed = await input.parse(request.body, toMediaType(request.headers['content-type']));
      const { item, rows } = pipeline.toItem(parsed);
      // The item holds what the batch needs (a model API's tensors): dropping the parsed JSON tree now leaves a
      // queued request a few objects for the GC to copy while it waits, instead of thousands of numbers.
      request.body = undefined;
      // reply.elapsedTime runs from the request's arrival; latency bounds count from there, not from now.
      const receivedAt = performance.now() - reply.elapsedTime;
      const submit: Submit = (cancel) => dispatcher.submit(item, rows, cancel, receivedAt);
      const outcome = await submitWithTimeout(submit, reply, options.requestTimeoutMs);
      if (!outcome.ok) throw outcome.error;
      const formatted = output.format(outcome.value);
      return reply.type(formatted.contentType).send(formatted.body);
    },
  });
}

type Submit = (cancel: RequestCancel) => Promise<Outcome>;

/**
 * Cancels the item when the client disconnects or the timeout passes, so a dispatcher can drop it from its queue
 * instead of spending a model call on an answer nobody reads. One promise, one timer, one listener per request.
 */
function submitWithTimeout(submit: Submit, reply: FastifyReply, timeoutMs: number): Promise<Outcome> {
  const cancel = new RequestCancel();
  const response = reply.raw;
  const onClose = (): void => {
    if (!response.writableFinished) cancel.abort();
  };
  response.once('close', onClose);
  return new Promise<Outcome>((resolve, reject) => {
    const timer = setTimeout(() => {
      cancel.abort();
      reject(errors.timeout(timeoutMs));
    }, timeoutMs);
    const settle = (): void => {
      clearTimeout(timer);
      response.off('close', onClose);
    };
    const fail = (error: unknown): void => {
      settle();
      reject(error);
    };
    try {
      submit(cancel).then((outcome) => {
        settle();
        resolve(outcome);
      }, fail);
    } catch (error) {
      fail(error);
    }
  });
}
