/**
 * The fastify app of a bento, without listening: `main` listens, tests call `app.inject()`.
 * Closing the app (`app.close()`) stops taking requests, waits for in-flight ones and drains the dispatchers;
 * the model pool is closed by the caller afterwards, since it outlives the app.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../contract.js';
import { createAdapterFactory } from '../adapters/create-adapters.js';
import { errors } from '../errors.js';
import { createApiDispatcher, type CreateDispatcher } from '../execution/create-api-dispatcher.js';
import { createApiPipeline, type HandlerMap } from '../execution/create-api-pipeline.js';
import { createBatchObserver, createMetrics, type RuntimeMetrics } from '../metrics/create-metrics.js';
import type { ModelPool } from '../model/create-model-pool.js';
import { registerApiRoute } from './api-routes.js';
import { registerDocsRoutes } from './docs-routes.js';
import { installErrorHandling } from './error-handling.js';
import { installJsonBodyParser } from './json-body-parser.js';
import { acceptsMultipart } from './media-type.js';
import { registerMultipart } from './multipart.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerMetrics } from './metrics-routes.js';
import { createDrainState, keepAliveTimeoutOf, startRefusing, type DrainState } from './drain-state.js';
import { registerOpenInference } from '../v2/register-open-inference.js';

export interface BuildAppOptions {
  /** Folder holding `openapi.json` and `static/swagger-ui/`: the bento directory. */
  bentoDir: string;
  handlers?: HandlerMap;
  /** A pino logger, or false for none (tests). @default false */
  logger?: Logger | false;
  /** @default a fresh registry with default process metrics */
  metrics?: RuntimeMetrics;
  /** @default CORK when `batch.enabled`, else direct */
  createDispatcher?: CreateDispatcher;
  /** Set by the shutdown sequence; `app.close()` sets both flags too. @default a fresh state */
  drainState?: DrainState;
}

export function buildApp(config: RuntimeConfig, pool: ModelPool, options: BuildAppOptions): FastifyInstance {
  const { bodyLimitBytes, requestTimeoutMs } = config.runtime;
  const keepAliveTimeout = keepAliveTimeoutOf(config.runtime);
  const logger = options.logger ?? false;
  const app = (logger
    ? Fastify({
        loggerInstance: logger,
        bodyLimit: bodyLimitBytes,
        // One line per request (onResponse below) instead of fastify's two.
        logController: new LogController({ disableRequestLogging: true }),
        return503OnClosing: false,
        keepAliveTimeout,
      })
    : Fastify({ logger: false, bodyLimit: bodyLimitBytes, return503OnClosing: false, keepAliveTimeout })) as unknown as FastifyInstance;
  const metrics = options.metrics ?? createMetrics();

  // Bodies of any other media type arrive as Buffers; each API route decides with its adapter whether to 415.
  installJsonBodyParser(app);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  installErrorHandling(app, bodyLimitBytes);

  const drain = options.drainState ?? createDrainState();
  app.addHook('preClose', async () => startRefusing(drain));
  // Refused after the body is read: a 503 sent while the client still writes its body would end in a reset. A
  // request that arrived before refusing began (its body still coming in at SIGTERM, say) was accepted: served.
  // Hooks on every request are callback-style: an async hook costs a promise and a microtask per request each.
  app.addHook('preHandler', (_request, reply, done) => {
    if (drain.refusing && performance.now() - reply.elapsedTime >= drain.refusingSince) return done(errors.shuttingDown());
    done();
  });
  // Every answer from then on tells its keep-alive client to reconnect (elsewhere: this server stops listening).
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (drain.refusing) reply.header('connection', 'close');
    done(null, payload);
  });
  if (logger) {
    app.addHook('onResponse', (request, reply, done) => {
      // A log line per success cost a third of a tiny model's throughput (measured): successes log at debug,
      // client errors at info, so LOG_LEVEL=debug gives a full access log. Sheds (503) log at debug too: at
      // overload they come by the thousand per second, and /metrics already counts them.
      const level = reply.statusCode >= 400 && reply.statusCode !== 503 ? 'info' : 'debug';
      if (logger.isLevelEnabled(level)) {
        request.log[level]({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, 'request');
      }
      done();
    });
  }

  registerMetrics(app, metrics);
  registerHealthRoutes(app, pool, () => drain.draining);
  registerDocsRoutes(app, config, options.bentoDir);

  const createAdapters = createAdapterFactory();
  const pipelines = config.apis.map((api) =>
    createApiPipeline(api, {
      config,
      pool,
      handlers: options.handlers ?? {},
      createAdapters,
      createDispatcher: options.createDispatcher ?? createApiDispatcher,
      observerFor: (name) => createBatchObserver(metrics, name),
    }),
  );
  if (pipelines.some((pipeline) => acceptsMultipart(pipeline.input.mediaTypes))) registerMultipart(app, bodyLimitBytes);
  // One bento_requests_in_flight counter per API, shared by its route and the v2 requests it serves.
  const inFlight = new Map(pipelines.map((pipeline) => [pipeline, metrics.trackInFlight(pipeline.api.name)]));
  const dispatchers = pipelines.map((pipeline) => {
    registerApiRoute(app, pipeline, { pool, requestTimeoutMs, bodyLimitBytes, inFlight: inFlight.get(pipeline)! });
    return pipeline.dispatcher;
  });
  // The Open Inference Protocol (KServe v2) on the same pipelines, so its requests batch with the routes' own.
  registerOpenInference(app, { config, pool, pipelines, drain, inFlightOf: (pipeline) => inFlight.get(pipeline)! });
  app.addHook('onClose', async () => {
    await Promise.all(dispatchers.map((dispatcher) => dispatcher.drain()));
  });
  return app;
}
