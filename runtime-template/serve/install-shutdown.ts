/**
 * SIGTERM/SIGINT: stop accepting, let in-flight requests and batches finish, release the model sessions, exit 0.
 * Workers are never ended mid-call: onnxruntime aborts the whole process when a thread dies inside `run()`.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ModelPool } from '../model/create-model-pool.js';

export interface ShutdownOptions {
  app: FastifyInstance;
  pool: ModelPool;
  logger: Logger;
  /** Give up draining after this many ms and exit 1; past the request timeout nothing is worth waiting for. */
  graceMs: number;
  /** Stops the gRPC server taking calls and waits for those in flight (none running: undefined). */
  drainGrpc?: () => Promise<void> | undefined;
}

export function installShutdown({ app, pool, logger, graceMs, drainGrpc }: ShutdownOptions): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while draining; exiting now');
      process.exit(1);
    }
    stopping = true;
    const started = performance.now();
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    const guard = setTimeout(() => {
      logger.error({ graceMs }, 'drain took too long; exiting');
      process.exit(1);
    }, graceMs);
    guard.unref();
    try {
      // Both front doors close together; the dispatchers they share drain inside app.close().
      await Promise.all([drainGrpc?.(), app.close()]);
      await pool.close();
      logger.info({ drainMs: Math.round(performance.now() - started) }, 'stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
