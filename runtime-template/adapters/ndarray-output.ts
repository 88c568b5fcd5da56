/** `ndarray` output: `{ "<output name>": nested arrays }`, or a bare nested array for a single returned tensor. */
import { replaceTensors } from './tensor-json.js';
import type { OutputAdapter } from './types.js';

export function createNdarrayOutput(): OutputAdapter {
  return {
    format(result) {
      return { contentType: 'application/json; charset=utf-8', body: JSON.stringify(result ?? null, replaceTensors) };
    },
  };
}
