/** `text` output: strings as they are; anything else as its JSON text. */
import { replaceTensors } from './tensor-json.js';
import type { OutputAdapter } from './types.js';

export function createTextOutput(): OutputAdapter {
  return {
    format(result) {
      const body = typeof result === 'string' ? result : JSON.stringify(result ?? null, replaceTensors);
      return { contentType: 'text/plain; charset=utf-8', body };
    },
  };
}
