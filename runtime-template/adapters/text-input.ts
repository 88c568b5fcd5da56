/** `text` input: a `text/plain` body, handed to the handler as a string. */
import type { InputAdapter } from './types.js';

export function createTextInput(): InputAdapter {
  return {
    mediaTypes: ['text/plain'],
    parse(body) {
      return { value: Buffer.isBuffer(body) ? body.toString('utf8') : String(body ?? ''), rows: 1 };
    },
  };
}
