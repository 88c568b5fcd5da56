/** `POST <route>` per API: media type → parse → dispatcher → format. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errors } from '../errors.js';
import type { ApiPipeline } from '../execution/create-api-pipeline.js';
import type { Outcome } from '../execution/outcome.js';
import type { InFlightCount } from '../metrics/create-metrics.js';
import type { ModelPool } from '../model/create-model-pool.js';
import { isAcceptedMediaType, toMediaType } from './media-type.js';
import { RequestCancel } from './request-cancel.js';
import { createDeadlineList, type DeadlineEntry } from './request-deadlines.js';

export interface ApiRouteOptions {
  pool: ModelPool;
  /** Whole-request budget in ms; past it the client gets a 504 (the model call, if running, still finishes). */
  requestTimeoutMs: number;
  bodyLimitBytes: number;
  /** bento_requests_in_flight for this API: counts from arrival until the response ends or the client goes away. */
  inFlight: InFlightCount;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on an API route's requests when they arrive (api-routes.ts). */
    apiCall: ApiCall | null;
  }
}

/**
 * One request on an API route, from arrival to the end of its response: its media type, its cancel signal for the
 * dispatcher (the client went away, or its time ran out) and its place on the route's deadline list. One object
 * and one `close` listener per request do all of it.
 */
class ApiCall extends RequestCancel implements DeadlineEntry {
  deadlineAt = 0;
  prevDeadline: DeadlineEntry | undefined = undefined;
  nextDeadline: DeadlineEntry | undefined = undefined;
  listed = false;

  constructor(
    readonly mediaType: string,
    private readonly reply: FastifyReply,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  /** The request's time ran out: drop it from the batch queue, and answer 504 unless already answered. */
  expire(): void {
    this.abort();
    if (!this.reply.sent) this.reply.send(errors.timeout(this.timeoutMs));
  }
}

export function registerApiRoute(app: FastifyInstance, pipeline: ApiPipeline, options: ApiRouteOptions): void {
  const { input, output, dispatcher, api } = pipeline;
  const { inFlight, requestTimeoutMs } = options;
  const deadlines = createDeadlineList(requestTimeoutMs);
  if (!app.hasRequestDecorator('apiCall')) app.decorateRequest('apiCall', null);
  // A GET (or HEAD, PUT…) on an API route is a client using the wrong method, not a missing route: 405 + Allow.
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: api.route,
    handler: async (request, reply) => {
      reply.header('allow', 'POST');
      throw errors.methodNotAllowed(request.method, api.route, ['POST']);
    },
  });
  app.post(api.route, {
    // One callback-style hook (an async one costs a promise per request), before the body is read: a wrong media
    // type is a 415 even when the body would not parse either, and a refusal costs no parsing.
    onRequest: (request, reply, done) => {
      inFlight.count++;
      const call = new ApiCall(toMediaType(request.headers['content-type']), reply, requestTimeoutMs);
      request.apiCall = call;
      const response = reply.raw;
      // 'close' fires once, whether the response finished or the client disconnected.
      response.on('close', () => {
        inFlight.count--;
        deadlines.finish(call);
        if (!response.writableFinished) call.abort();
      });
      if (!isAcceptedMediaType(call.mediaType, input.mediaTypes)) return done(errors.unsupportedMediaType(call.mediaType, input.mediaTypes));
      // The multipart parser streams parts past fastify's body limit, so an announced oversize body is refused here.
      if (call.mediaType === 'multipart/form-data' && Number(request.headers['content-length'] ?? 0) > options.bodyLimitBytes) {
        return done(errors.bodyTooLarge(options.bodyLimitBytes));
      }
      // When even a one-row request would be shed, say so before reading the body: under overload most
      // requests are refused, and parsing bodies only to drop them takes CPU from the model and the probes.
      const refusal = dispatcher.refuseEarly?.(1);
      if (refusal) return done(refusal);
      done();
    },
    handler: async (request, reply) => {
      if (!options.pool.isReady()) throw errors.notReady();
      const call = request.apiCall!;
      const parsed = await input.parse(request.body, call.mediaType);
      const { item, rows } = pipeline.toItem(parsed);
      // The item holds what the batch needs (a model API's tensors): dropping the parsed JSON tree now leaves a
      // queued request a few objects for the GC to copy while it waits, instead of thousands of numbers.
      request.body = undefined;
      // reply.elapsedTime runs from the request's arrival; latency bounds count from there, not from now.
      const receivedAt = performance.now() - reply.elapsedTime;
      deadlines.start(call);
      let outcome: Outcome;
      try {
        outcome = await dispatcher.submit(item, rows, call, receivedAt);
      } catch (error) {
        if (reply.sent) return reply; // answered 504 (timeout) while queued or running
        throw error;
      }
      if (reply.sent) return reply;
      deadlines.finish(call);
      if (!outcome.ok) throw outcome.error;
      const formatted = output.format(outcome.value);
      if (parsed.headers) reply.headers(parsed.headers);
      return reply.type(formatted.contentType).send(formatted.body);
    },
  });
}
