/** Structured JSON logs (stdout by default); `LOG_LEVEL` picks the level. */
import { pino, type Logger } from 'pino';
import type { RuntimeConfig } from '../contract.js';

export function createLogger(
  config: RuntimeConfig,
  env: Readonly<Record<string, string | undefined>>,
  options: { defaultLevel?: string; stream?: 'stdout' | 'stderr' } = {},
): Logger {
  return pino(
    {
      level: env.LOG_LEVEL ?? options.defaultLevel ?? 'info',
      base: { service: config.service.name, version: config.service.version, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // fd 2 keeps stdout clean for `invoke`, whose stdout is the answer.
    pino.destination(options.stream === 'stderr' ? 2 : 1),
  );
}
