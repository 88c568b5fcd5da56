/**
 * `node server.mjs invoke <api>`: one request read from stdin, answered on stdout, through exactly the
 * route a live server uses (`app.inject`, no socket), then a clean drain. `bentoc run` is built on it.
 * Exit code: 0 for a 2xx answer, 1 for a 4xx (the input was wrong), 70 for anything else.
 */
import type { RuntimeConfig } from '../contract.js';
import type { HandlerMap } from '../execution/create-api-pipeline.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { createLogger } from './create-logger.js';
import { openBento } from './open-bento.js';

export interface InvokeOnceOptions {
  config: RuntimeConfig;
  handlers: HandlerMap;
  bundleUrl: URL;
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

export const INVOKE_USAGE = `Usage: node server.mjs invoke <api> [--content-type TYPE] < body`;

export async function invokeOnce({ config, handlers, bundleUrl, argv, env }: InvokeOnceOptions): Promise<number> {
  const [apiName, ...flags] = argv;
  const api = config.apis.find((a) => a.name === apiName);
  if (!api) {
    process.stderr.write(`error: no API named "${apiName ?? ''}"; this bento has: ${config.apis.map((a) => a.name).join(', ')}\n${INVOKE_USAGE}\n`);
    return 2;
  }
  const typeFlag = flags.indexOf('--content-type');
  const contentType = typeFlag >= 0 ? flags[typeFlag + 1] : api.input.type === 'text' ? 'text/plain' : 'application/json';

  const logger = createLogger(config, env, { defaultLevel: 'warn', stream: 'stderr' });
  // One call: timing models for the main thread would only delay the exit.
  const { bentoDir, pool } = openBento(config, bundleUrl, { onWarning: (message) => logger.warn(message), inline: 'never' });
  const { buildApp } = await import('../http/build-app.js');
  const app = buildApp(config, pool, { bentoDir, handlers, logger, metrics: createMetrics() });
  try {
    const body = await readStdin();
    await pool.ready;
    const response = await app.inject({ method: 'POST', url: api.route, headers: { 'content-type': contentType ?? 'application/json' }, payload: body });
    process.stdout.write(response.body.endsWith('\n') ? response.body : `${response.body}\n`);
    return response.statusCode < 300 ? 0 : response.statusCode < 500 ? 1 : 70;
  } finally {
    await app.close();
    await pool.close();
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
