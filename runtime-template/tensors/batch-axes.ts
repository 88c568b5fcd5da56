import type { ApiSpec, ModelSpec } from '../contract.js';
import type { BatchAxes } from './batch-key.js';

/**
 * The API's batch axes. Bentos record them per API (the compiler reads them from the signature); without them
 * (a config written by hand, in tests) every tensor is batched along a leading dynamic dim, as bentoc always did.
 */
export function batchAxesOf(api: ApiSpec, model: ModelSpec): BatchAxes {
  if (api.batch.axes) return api.batch.axes;
  const axes: Record<string, number | null> = {};
  for (const tensor of [...model.inputs, ...model.outputs]) {
    const lead = tensor.shape[0];
    axes[tensor.name] = lead !== undefined && (typeof lead === 'string' || lead <= 0) ? 0 : null;
  }
  return axes;
}
