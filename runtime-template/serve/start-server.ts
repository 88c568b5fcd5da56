/** The main thread of a bento: load models in workers, serve HTTP, log "ready", drain on signals. */
import { join } from 'node:path';
import type { RuntimeConfig } from '../contract.js';
import type { HandlerMap } from '../execution/create-api-pipeline.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { createLogger } from './create-logger.js';
import { trackConnections } from './connection-drain.js';
import { installShutdown } from './install-shutdown.js';
import { openBento } from './open-bento.js';
import { describeListenFailure, resolveDrainDelayMs, resolveListenOptions, SettingError, USAGE, UsageError } from './listen-options.js';
import { createDrainState, keepAliveTimeoutOf } from '../http/drain-state.js';
import type { RunningGrpcServer } from '../v2/grpc-server.js';

export interface StartServerOptions {
  config: RuntimeConfig;
  handlers: HandlerMap;
  /** URL of the running bundle: its folder is the bento, and it is the model workers' script. */
  bundleUrl: URL;
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Connections the kernel may hold before they are accepted (capped by net.core.somaxconn). Node's default,
 * 511, overflows when a burst of clients connects at once while the event loop is busy: the kernel then drops
 * SYNs and those clients retry after 1 s, 3 s, … (seen in `npm run bench:batching` at 200% load).
 */
const LISTEN_BACKLOG = 2048;

export async function startServer({ config, handlers, bundleUrl, argv, env }: StartServerOptions): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const logger = createLogger(config, env);
  let listen;
  let drainDelayMs;
  try {
    listen = resolveListenOptions(argv, env, config.runtime);
    drainDelayMs = resolveDrainDelayMs(env);
  } catch (error) {
    if (error instanceof SettingError) {
      console.error(`error: ${error.message}`);
      process.exit(2);
    }
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  const metrics = createMetrics();
  const { bentoDir, pool } = openBento(config, bundleUrl, {
    onWarning: (message) => logger.warn(message),
    onWorkerReady: (info) => logger.info(info, 'model worker ready'),
    onExecuted: (model, execMs) => metrics.modelExecution.observe({ model }, execMs / 1000),
    // BENTO_INLINE=never keeps every model in the workers (comparisons), =always puts every one here (tests).
    inline: env.BENTO_INLINE === 'never' || env.BENTO_INLINE === 'always' ? env.BENTO_INLINE : 'auto',
    onInline: (model, oneRowMs) =>
      logger.info({ model, oneRowMs: Math.round(oneRowMs * 1000) / 1000 }, 'model runs on the main thread: a call costs less than a hop to a worker'),
  });
  // Imported only now so the workers boot and load models while fastify's modules evaluate.
  const { buildApp } = await import('../http/build-app.js');
  const drainState = createDrainState();
  const app = buildApp(config, pool, { bentoDir, handlers, logger, metrics, drainState });
  // An idle connection closes once quiet past the keep-alive time its client was told, plus Node's own 1 s margin.
  const idleCloseMs = keepAliveTimeoutOf(config.runtime) + 1_000;
  const connections = trackConnections(app.server, idleCloseMs);
  // The grace covers the delay, the slowest request, and the wait for idle keep-alive connections.
  const graceMs = drainDelayMs + config.runtime.requestTimeoutMs + idleCloseMs + 5_000;
  let grpc: RunningGrpcServer | undefined;
  installShutdown({ app, pool, logger, drainState, connections, drainDelayMs, graceMs, drainGrpc: () => grpc?.drain() });
  // Started by `bentoc serve` with an IPC channel: when that CLI is gone (killed, even with SIGKILL), drain and exit
  // rather than live on unsupervised. The channel itself keeps nothing alive.
  if (process.channel) {
    process.channel.unref();
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  }

  try {
    // Listening before the models load lets /livez answer (and /readyz say 503) during a long load.
    await app.listen({ port: listen.port, host: listen.host, backlog: LISTEN_BACKLOG });
    if (listen.grpcPort !== undefined) {
      const { startGrpcServer } = await import('../v2/grpc-server.js');
      const { requestTimeoutMs, bodyLimitBytes } = config.runtime;
      const protoPath = join(bentoDir, 'proto', 'grpc_predict_v2.proto');
      grpc = await startGrpcServer({ service: app.inference, protoPath, host: listen.host, port: listen.grpcPort, requestTimeoutMs, bodyLimitBytes, metrics, logger });
    }
    await pool.ready;
  } catch (error) {
    const { code, grpc: onGrpcPort } = error as NodeJS.ErrnoException & { grpc?: boolean };
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      // The user's to fix, so the fix, not a stack: one log line for log pipelines, one plain line for a terminal.
      const fix = describeListenFailure(code, listen, onGrpcPort);
      logger.fatal({ code, port: onGrpcPort ? listen.grpcPort : listen.port, host: listen.host }, fix);
      console.error(`error: ${fix}`);
    } else logger.fatal({ err: error }, 'startup failed');
    await grpc?.drain().catch(() => undefined);
    await app.close().catch(() => undefined);
    await pool.close().catch(() => undefined);
    process.exit(1);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  const shownHost = listen.host === '0.0.0.0' || listen.host === '::' ? 'localhost' : listen.host;
  // performance.now() counts from process start, so this includes Node's own boot and the bundle's evaluation.
  logger.info(
    { url: `http://${shownHost}:${port}`, port, grpcPort: grpc?.port, host: listen.host, models: config.models.length, startToReadyMs: Math.round(performance.now()) },
    'ready',
  );
}
