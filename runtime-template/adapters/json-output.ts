/**
 * `json` output. Model outputs become `{ "<output>": nested arrays }` (one key per output), or with `labels` one
 * labeled row per input row (see label-rows.ts), with `top_k` only the k best classes. A handler's own return value is sent as JSON, with tensors and typed arrays
 * turned into arrays.
 */
import type { OutputSpec } from '../contract.js';
import { createLabelWriter } from './label-rows.js';
import { isTensorRecord, replaceTensors } from './tensor-json.js';
import type { OutputAdapter } from './types.js';

type JsonSpec = Extract<OutputSpec, { type: 'json' }>;

export function createJsonOutput(spec: JsonSpec): OutputAdapter {
  const labeler = spec.labels ? createLabelWriter(spec.labels, spec.topK) : undefined;
  return {
    format(result) {
      const labeled = labeler && isTensorRecord(result) ? labeler.write(result) : undefined;
      // Labelled rows are written as JSON text already; the replacer, called for every key and value, is for tensors.
      const body = labeled ?? JSON.stringify(result ?? null, replaceTensors);
      return { contentType: 'application/json; charset=utf-8', body };
    },
  };
}
