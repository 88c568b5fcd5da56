/**
 * SIGTERM/SIGINT: mark the app draining (/readyz 503), optionally keep serving a short while so a load balancer
 * sees that, stop accepting connections, then refuse new requests with 503 + `Connection: close`, wait for every
 * connection to close without cutting one mid-request (see connection-drain.ts), drain the dispatchers
 * (`app.close()`), release the model sessions, exit 0.
 * Workers are never ended mid-call: onnxruntime aborts the whole process when a thread dies inside `run()`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { startRefusing, type DrainState } from '../http/drain-state.js';
import type { ModelPool } from '../model/create-model-pool.js';
import type { ConnectionDrain } from './connection-drain.js';

export interface ShutdownOptions {
  app: FastifyInstance;
  pool: ModelPool;
  logger: Logger;
  drainState: DrainState;
  connections: ConnectionDrain;
  /** Keep serving (while /readyz says 503) this long before refusing requests. */
  drainDelayMs: number;
  /** Give up draining after this many ms and exit 1; past it nothing is worth waiting for. */
  graceMs: number;
  /** Stops the gRPC server taking calls and waits for those in flight (none running: undefined). */
  drainGrpc?: () => Promise<void> | undefined;
}

export function installShutdown(options: ShutdownOptions): void {
  const { app, pool, logger, drainState, connections, drainDelayMs, graceMs, drainGrpc } = options;
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while draining; exiting now');
      process.exit(1);
    }
    stopping = true;
    drainState.draining = true;
    const started = performance.now();
    logger.info({ signal, drainDelayMs, connections: connections.openCount() }, 'shutting down: draining in-flight requests');
    const guard = setTimeout(() => {
      logger.error({ graceMs, connections: connections.openCount() }, 'drain took too long; exiting');
      process.exit(1);
    }, graceMs);
    guard.unref();
    try {
      if (drainDelayMs > 0) await sleep(drainDelayMs);
      const grpcDrained = drainGrpc?.();
      // Listener first: refusing sends `Connection: close`, and clients reconnecting into a listener about
      // to close would be reset after sending their request; once it is closed they are refused cleanly.
      await connections.stopAccepting();
      startRefusing(drainState);
      logger.info({ connections: connections.openCount() }, 'stopped accepting connections; refusing new requests');
      // Both front doors close together; the dispatchers they share drain inside app.close().
      await Promise.all([grpcDrained, connections.drain().then(() => app.close())]);
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
