/**
 * Everything between an API's parsed body and its formatted answer: adapters, the binding to a handler or a
 * model, the execute function and the dispatcher. The HTTP layer only moves bytes in and out of this.
 */
import type { ApiSpec, HandlerContext, RuntimeConfig, TensorValue } from '../contract.js';
import type { ApiAdapters } from '../adapters/create-adapters.js';
import type { AdapterContext, ParsedInput } from '../adapters/types.js';
import type { Dispatcher } from '../batching/dispatcher.js';
import { errors } from '../errors.js';
import type { BatchObserver } from '../metrics/create-metrics.js';
import type { ModelPool } from '../model/create-model-pool.js';
import type { CreateDispatcher } from './create-api-dispatcher.js';
import { createHandlerExecute, type Handler } from './handler-execute.js';
import { createModelExecute } from './model-execute.js';
import { createFeedBinder, type ModelItem } from './model-feeds.js';
import { batchAxesOf } from '../tensors/batch-axes.js';
import type { Outcome } from './outcome.js';

export type HandlerMap = Record<string, Handler>;

export interface ApiPipeline extends ApiAdapters {
  api: ApiSpec;
  /** Turns a parsed body into the dispatcher's item; may throw a 400 (json bodies feeding a model). */
  toItem(parsed: ParsedInput): { item: unknown; rows: number };
  /**
   * Model APIs only: tensors the server decoded itself (e.g. the inference protocol's) → the dispatcher's item,
   * checked exactly as the API's own route checks its input; throws a 400 naming the tensor by `field(name)`.
   */
  bindTensors?(tensors: Record<string, TensorValue>, field: (name: string) => string): { item: unknown; rows: number };
  dispatcher: Dispatcher<unknown, Outcome>;
}

export interface PipelineDeps {
  config: RuntimeConfig;
  pool: ModelPool;
  handlers: HandlerMap;
  createAdapters: (context: AdapterContext) => ApiAdapters;
  createDispatcher: CreateDispatcher;
  observerFor: (api: string) => BatchObserver;
}

/** Async handlers without batching may overlap freely; their model calls still queue in the pool. */
const HANDLER_CONCURRENCY = 64;

export function createApiPipeline(api: ApiSpec, deps: PipelineDeps): ApiPipeline {
  const { config, pool } = deps;
  const model = api.model ? config.models.find((candidate) => candidate.name === api.model) : undefined;
  if (api.model && !model) throw new Error(`API "${api.name}" refers to unknown model "${api.model}"`);
  const adapters = deps.createAdapters({ api, model });
  const observer = deps.observerFor(api.name);
  const workers = Math.max(1, config.runtime.workers);

  if (api.handler) {
    const handler = deps.handlers[api.handler];
    if (typeof handler !== 'function') throw new Error(`API "${api.name}": handler "${api.handler}" is not in the bundle`);
    const execute = createHandlerExecute(api, handler, createHandlerContext(api, deps));
    const dispatcher = deps.createDispatcher<unknown, Outcome>(api, execute, {
      concurrency: api.batch.enabled ? workers : HANDLER_CONCURRENCY,
      observer,
    });
    return { api, ...adapters, toItem: (parsed) => ({ item: parsed.value, rows: parsed.rows }), dispatcher };
  }
  if (!model) throw new Error(`API "${api.name}" has neither a model nor a handler`);
  const binder = createFeedBinder(api, model);
  const dispatcher = deps.createDispatcher<ModelItem, Outcome>(api, createModelExecute(pool, model, batchAxesOf(api, model)), {
    concurrency: workers,
    observer,
    keyOf: (item) => item.key,
  });
  const asItem = (bound: ModelItem) => ({ item: bound, rows: bound.rows });
  return {
    api,
    ...adapters,
    toItem: (parsed) => asItem(binder.bindParsed(parsed)),
    bindTensors: (tensors, field) => asItem(binder.bindTensors(tensors, field)),
    dispatcher: dispatcher as Dispatcher<unknown, Outcome>,
  };
}

function createHandlerContext(api: ApiSpec, { config, pool }: PipelineDeps): HandlerContext {
  const known = new Set(config.models.map((model) => model.name));
  return {
    api: api.name,
    async run(model, feeds) {
      if (!known.has(model)) throw new Error(`handler of API "${api.name}" asked for unknown model "${model}"`);
      try {
        // No transfer: the handler may still read the arrays it passed in.
        return (await pool.run(model, feeds)).outputs;
      } catch (error) {
        throw errors.modelFailed(model, error);
      }
    },
  };
}
