/**
 * One outbound batch for a model API: each input concatenated along its own batch axis (an input without one is
 * equal across the batch, by its batch key, and sent once), one model call, each output split back by the rows
 * each item brought, along that output's axis. An output that does not split exactly fails the whole batch.
 */
import type { ExecuteBatch } from '../batching/dispatcher.js';
import type { ModelSpec } from '../contract.js';
import { errors } from '../errors.js';
import type { ModelPool } from '../model/create-model-pool.js';
import type { Feeds } from '../model/messages.js';
import { BatchSplitError, concatAlong, splitAlong } from '../tensors/along-axis.js';
import type { BatchAxes } from '../tensors/batch-key.js';
import type { ModelItem } from './model-feeds.js';
import type { Outcome } from './outcome.js';

export function createModelExecute(pool: ModelPool, model: ModelSpec, axes: BatchAxes): ExecuteBatch<ModelItem, Outcome> {
  return async (items) => {
    const feeds: Feeds = {};
    for (const input of model.inputs) {
      const axis = axes[input.name];
      const parts = items.map((item) => item.feeds[input.name]!);
      feeds[input.name] = axis === null || axis === undefined ? parts[0]! : concatAlong(parts, axis);
    }
    let outputs: Feeds;
    try {
      // Transfer is safe: each item's tensors were built for this request alone and are not read again.
      ({ outputs } = await pool.run(model.name, feeds, { transfer: true }));
    } catch (error) {
      throw errors.modelFailed(model.name, error);
    }
    // A lone item gets the outputs whole: nothing of anyone else's is in them.
    if (items.length === 1) return [{ ok: true, value: outputs }];
    const rowCounts = items.map((item) => item.rows);
    const perItem: Feeds[] = items.map(() => ({}));
    for (const [name, tensor] of Object.entries(outputs)) {
      const axis = axes[name];
      try {
        if (axis === null || axis === undefined) throw new BatchSplitError('has no batch axis');
        splitAlong(tensor, axis, rowCounts).forEach((piece, index) => {
          perItem[index]![name] = piece;
        });
      } catch (error) {
        if (!(error instanceof BatchSplitError)) throw error;
        throw errors.batchSplitFailed(model.name, name, error.message);
      }
    }
    return perItem.map((value): Outcome => ({ ok: true, value }));
  };
}
