import type { ExecuteBatch } from './dispatcher.js';

export type BatchOutcome<TOut> = { ok: true; results: TOut[] } | { ok: false; error: unknown };

/**
 * Runs one batch and never rejects: a synchronous throw, a rejection, or a result list of the wrong
 * length all become `{ ok: false }`, so one bad batch fails only its own items.
 */
export async function runBatch<TIn, TOut>(execute: ExecuteBatch<TIn, TOut>, items: TIn[]): Promise<BatchOutcome<TOut>> {
  try {
    const results = await execute(items);
    if (!Array.isArray(results) || results.length !== items.length) {
      const got = Array.isArray(results) ? `${results.length} results` : 'a non-array';
      return { ok: false, error: new Error(`execute returned ${got} for a batch of ${items.length} items`) };
    }
    return { ok: true, results };
  } catch (error) {
    return { ok: false, error };
  }
}
