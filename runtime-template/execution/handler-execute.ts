/**
 * One outbound batch for a handler API. With `batch.enabled` the handler is called once with the array of inputs
 * and must return an array of results, same length and order; otherwise it is called once per input.
 */
import type { ExecuteBatch } from '../batching/dispatcher.js';
import type { ApiSpec, HandlerContext } from '../contract.js';
import { ApiError, errors } from '../errors.js';
import { toOutcomes, type Outcome } from './outcome.js';

export type Handler = (input: unknown, context: HandlerContext) => unknown;

export function createHandlerExecute(api: ApiSpec, handler: Handler, context: HandlerContext): ExecuteBatch<unknown, Outcome> {
  if (api.batch.enabled) {
    return async (items) => {
      let results: unknown;
      try {
        results = await handler(items, context);
      } catch (error) {
        throw toHandlerError(api, error);
      }
      if (!Array.isArray(results) || results.length !== items.length) {
        const got = Array.isArray(results) ? `${results.length} results` : typeof results;
        throw errors.handlerFailed(api.name, new Error(`a batched handler must return an array of ${items.length} results, got ${got}`));
      }
      return results.map((value): Outcome => ({ ok: true, value }));
    };
  }
  return async (items) => {
    const settled = await Promise.allSettled(items.map(async (item) => handler(item, context)));
    return toOutcomes(settled).map((outcome) => (outcome.ok ? outcome : { ok: false, error: toHandlerError(api, outcome.error) }));
  };
}

/** A handler may reject input itself by throwing an error with a 4xx `statusCode`; anything else is a fault. */
function toHandlerError(api: ApiSpec, error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = error instanceof Error ? error.message : String(error);
    return new ApiError('handler_rejected', message, { api: api.name }, { statusCode: status });
  }
  return errors.handlerFailed(api.name, error);
}
