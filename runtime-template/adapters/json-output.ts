/**
 * `json` output. Model outputs become `{ "<output>": nested arrays }`, or with `labels` one labeled row per
 * input row (see label-rows.ts). A handler's own return value is sent as JSON, with tensors and typed arrays
 * turned into arrays.
 */
import type { OutputSpec } from '../contract.js';
import { toLabeledRows } from './label-rows.js';
import { isTensorRecord, replaceTensors } from './tensor-json.js';
import type { OutputAdapter } from './types.js';

type JsonSpec = Extract<OutputSpec, { type: 'json' }>;

export function createJsonOutput(spec: JsonSpec): OutputAdapter {
  return {
    format(result) {
      const labeled = spec.labels && isTensorRecord(result) ? toLabeledRows(result, spec.labels) : undefined;
      const body = JSON.stringify(labeled ?? result ?? null, replaceTensors);
      return { contentType: 'application/json; charset=utf-8', body };
    },
  };
}
