/** Wires the Open Inference Protocol into a bento's app: the service over its pipelines, and the REST routes. */
import type { FastifyInstance } from 'fastify';
import type { RuntimeConfig } from '../contract.js';
import type { DrainState } from '../http/drain-state.js';
import type { InFlightCount } from '../metrics/create-metrics.js';
import type { ApiPipeline } from '../execution/create-api-pipeline.js';
import type { ModelPool } from '../model/create-model-pool.js';
import { createInferenceService, type InferenceService } from './inference-service.js';
import { registerV2Routes } from './rest-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The v2 inference service the REST routes use; the gRPC server (started beside the app) uses it too. */
    inference: InferenceService;
  }
}

export interface OpenInferenceOptions {
  config: RuntimeConfig;
  pool: ModelPool;
  pipelines: ApiPipeline[];
  drain: DrainState;
  inFlightOf: (pipeline: ApiPipeline) => InFlightCount;
}

export function registerOpenInference(app: FastifyInstance, options: OpenInferenceOptions): InferenceService {
  const service = createInferenceService(options);
  const { requestTimeoutMs, bodyLimitBytes } = options.config.runtime;
  registerV2Routes(app, { service, requestTimeoutMs, bodyLimitBytes });
  app.decorate('inference', service);
  return service;
}
