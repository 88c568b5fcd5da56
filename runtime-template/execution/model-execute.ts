/** One outbound batch for a model API: concatenate items along dim 0, one model call, split outputs by rows. */
import type { ExecuteBatch } from '../batching/dispatcher.js';
import { errors } from '../errors.js';
import { concatRows, splitRows } from '../model/batch-tensors.js';
import type { ModelPool } from '../model/create-model-pool.js';
import type { Feeds } from '../model/messages.js';
import type { ModelItem } from './model-feeds.js';
import type { Outcome } from './outcome.js';

export function createModelExecute(pool: ModelPool, model: string): ExecuteBatch<ModelItem, Outcome> {
  return async (items) => {
    const names = Object.keys(items[0]!.feeds);
    const feeds: Feeds = {};
    for (const name of names) feeds[name] = concatRows(items.map((item) => item.feeds[name]!));
    let outputs: Feeds;
    try {
      // Transfer is safe: each item's tensors were built for this request alone and are not read again.
      ({ outputs } = await pool.run(model, feeds, { transfer: true }));
    } catch (error) {
      throw errors.modelFailed(model, error);
    }
    const rowCounts = items.map((item) => item.rows);
    const perItem: Feeds[] = items.map(() => ({}));
    for (const [name, tensor] of Object.entries(outputs)) {
      splitRows(tensor, rowCounts).forEach((piece, index) => {
        perItem[index]![name] = piece;
      });
    }
    return perItem.map((value): Outcome => ({ ok: true, value }));
  };
}
