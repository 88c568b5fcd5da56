/** Structured JSON logs on stdout; `LOG_LEVEL` picks the level. */
import { pino, type Logger } from 'pino';
import type { RuntimeConfig } from '../contract.js';

export function createLogger(config: RuntimeConfig, env: Readonly<Record<string, string | undefined>>): Logger {
  return pino({
    level: env.LOG_LEVEL ?? 'info',
    base: { service: config.service.name, version: config.service.version, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
