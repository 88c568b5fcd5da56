/** Where to listen: `--port`/`--host`/`--grpc-port` flags, then `PORT`/`HOST`/`GRPC_PORT`, then the bento's config. */
import type { RuntimeSettings } from '../contract.js';

export interface ListenOptions {
  port: number;
  host: string;
  /** The Open Inference Protocol's gRPC port; 0 picks a free one; undefined: no gRPC server. */
  grpcPort: number | undefined;
}

export const USAGE = `Usage: node server.mjs [--port N] [--host H] [--grpc-port N]

  --port N   port to listen on (env PORT; default from bentofile runtime.port); 0 picks a free port
  --host H   interface to bind (env HOST; default from bentofile runtime.host)
  --grpc-port N  port of the v2 gRPC service (env GRPC_PORT; default from bentofile runtime.grpc_port); 0 turns
             it off. Left unset with --port 0, a bento that has gRPC picks a free port for it too (logged in "ready")
  --help     show this help

Env LOG_LEVEL sets the log level (default info). Env DRAIN_DELAY_MS (default 0): on SIGTERM, keep serving
this long with /readyz answering 503, so a load balancer stops sending before new requests are refused.`;

export class UsageError extends Error {}

/** A bad environment setting (PORT): reported in one line, without the usage text. */
export class SettingError extends Error {}

export function resolveListenOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  runtime: Pick<RuntimeSettings, 'port' | 'host' | 'grpcPort'>,
): ListenOptions {
  const flags = parseFlags(argv);
  const port = flags.port ?? env.PORT ?? String(runtime.port);
  const host = flags.host ?? env.HOST ?? runtime.host;
  if (!/^\d+$/.test(port) || Number(port) > 65535) {
    // A bad PORT is a deployment setting, not a misuse of the command line: no usage text for it.
    if (flags.port === undefined) throw new SettingError(`PORT=${port} is not a port: set PORT to a number from 0 to 65535 (0 picks a free one)`);
    throw new UsageError(`invalid port "${port}": expected 0-65535`);
  }
  if (!host) throw new UsageError('empty host');
  return { port: Number(port), host, grpcPort: resolveGrpcPort(flags['grpc-port'] ?? env.GRPC_PORT, Number(port), runtime.grpcPort) };
}

function resolveGrpcPort(given: string | undefined, port: number, configured: number | undefined): number | undefined {
  if (given === undefined) return configured ? (port === 0 ? 0 : configured) : undefined;
  if (!/^\d+$/.test(given) || Number(given) > 65535) throw new UsageError(`invalid gRPC port "${given}": expected 0-65535 (0: off)`);
  return Number(given) || undefined;
}

type Flag = 'port' | 'host' | 'grpc-port';

function parseFlags(argv: readonly string[]): Partial<Record<Flag, string>> {
  const flags: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s, 2) : [undefined, undefined];
    if (name !== 'port' && name !== 'host' && name !== 'grpc-port') throw new UsageError(`unknown argument "${arg}"`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags[name] = value;
  }
  return flags;
}

/** What to do when the port cannot be bound: another process holds it, or it needs privileges. */
export function describeListenFailure(code: 'EADDRINUSE' | 'EACCES', listen: ListenOptions, grpc = false): string {
  const port = grpc ? listen.grpcPort : listen.port;
  const where = `${listen.host}:${port}`;
  const pick = grpc
    ? 'pick another with --grpc-port N (or GRPC_PORT=N; 0 turns the gRPC service off)'
    : 'pick another with --port N (or PORT=N; 0 picks a free port)';
  const what = grpc ? 'gRPC port' : 'port';
  return code === 'EADDRINUSE'
    ? `${what} ${port} is already in use (${where}): ${pick}, or stop what listens there`
    : `no permission to listen on ${where}: ports below 1024 need privileges; ${pick}`;
}

/** `DRAIN_DELAY_MS`: how long SIGTERM keeps serving (with /readyz 503) before refusing new requests. */
export function resolveDrainDelayMs(env: Readonly<Record<string, string | undefined>>): number {
  const value = env.DRAIN_DELAY_MS ?? '0';
  if (!/^\d+$/.test(value) || Number(value) > 600_000) throw new SettingError(`invalid DRAIN_DELAY_MS "${value}": expected 0-600000 (ms)`);
  return Number(value);
}
