/** The runtime end-to-end bento: iris with and without batching, plus handler APIs of every input type. */
import { resolve } from 'node:path';
import type { HandlerEntry } from '../../../compiler/phases/4-generate/bundle-server.js';
import type { ApiSpec, RuntimeConfig } from '../../../runtime-template/contract.js';
import { createIrisApi, createIrisConfig } from './iris-config.js';

const HANDLER_FILE = resolve(import.meta.dirname, 'test-handlers.ts');

function handlerApi(name: string, input: ApiSpec['input'], output: ApiSpec['output'], batched = false): ApiSpec {
  return {
    name,
    route: `/${name}`,
    handler: `test-handlers.ts#${name}`,
    input,
    output,
    batch: { enabled: batched, maxBatchSize: 100, maxLatencyMs: 1000 },
  };
}

export const E2E_BODY_LIMIT = 64 * 1024;

export function createE2eConfig(): RuntimeConfig {
  return createIrisConfig({
    bodyLimitBytes: E2E_BODY_LIMIT,
    apis: [
      createIrisApi(),
      createIrisApi({
        name: 'predict_batched',
        route: '/predict_batched',
        output: { type: 'ndarray' },
        batch: { enabled: true, maxBatchSize: 64, maxLatencyMs: 1000 },
      }),
      {
        ...handlerApi('classify', {
          type: 'json',
          schema: {
            type: 'object',
            required: ['features'],
            properties: { features: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 } },
          },
        }, { type: 'json' }),
        model: 'iris',
      },
      handlerApi('shout', { type: 'text' }, { type: 'text' }, true),
      handlerApi('slow', { type: 'json' }, { type: 'json' }),
      handlerApi('picky', { type: 'json' }, { type: 'json' }),
      handlerApi('hold', { type: 'json' }, { type: 'json' }),
    ],
  });
}

export const E2E_HANDLERS: HandlerEntry[] = ['classify', 'shout', 'slow', 'picky', 'hold'].map((name) => ({
  key: `test-handlers.ts#${name}`,
  file: HANDLER_FILE,
  exportName: name,
}));
