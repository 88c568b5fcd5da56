import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { BentocError, diagnose } from '../diagnostics/index.js';

/** A Docker engine that answered a ping, and where it lives (for messages). */
export interface DockerEngine {
  docker: Docker;
  endpoint: string;
}

const DEFAULT_SOCKET = '/var/run/docker.sock';
/** A local engine answers a ping in milliseconds; a remote one within a few seconds. */
const PING_TIMEOUT_MS = 5_000;

/**
 * Connects to the engine at `DOCKER_HOST` (unix://, tcp://, http(s)://; TLS via DOCKER_TLS_VERIFY and
 * DOCKER_CERT_PATH) or the default socket, and pings it, so "no engine" is a user error up front rather
 * than a socket error half-way through a build.
 */
export async function connectDockerEngine(env: NodeJS.ProcessEnv = process.env): Promise<DockerEngine> {
  const { options, endpoint } = resolveDockerOptions(env);
  const docker = new Docker(options);
  try {
    await pingWithTimeout(docker);
  } catch (error) {
    throw new BentocError([diagnose('docker_unreachable', undefined, endpoint, describeError(error))]);
  }
  return { docker, endpoint };
}

export function resolveDockerOptions(env: NodeJS.ProcessEnv): { options: Docker.DockerOptions; endpoint: string } {
  const host = env.DOCKER_HOST?.trim();
  if (!host) return { options: { socketPath: DEFAULT_SOCKET }, endpoint: `unix://${DEFAULT_SOCKET}` };
  if (host.startsWith('unix://')) return { options: { socketPath: host.slice('unix://'.length) }, endpoint: host };
  const url = parseUrl(host);
  if (url && ['tcp:', 'http:', 'https:'].includes(url.protocol)) {
    const tls = url.protocol === 'https:' || isTruthy(env.DOCKER_TLS_VERIFY);
    const options: Docker.DockerOptions = {
      protocol: tls ? 'https' : 'http',
      host: url.hostname,
      port: url.port || (tls ? '2376' : '2375'),
    };
    if (tls && env.DOCKER_CERT_PATH) {
      const certs = env.DOCKER_CERT_PATH;
      Object.assign(options, {
        ca: readFileSync(join(certs, 'ca.pem')),
        cert: readFileSync(join(certs, 'cert.pem')),
        key: readFileSync(join(certs, 'key.pem')),
      });
    }
    return { options, endpoint: host };
  }
  // ssh:// and npipe:// are left to docker-modem, which reads DOCKER_HOST from the process environment.
  return { options: {}, endpoint: host };
}

async function pingWithTimeout(docker: Docker): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([docker.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'the socket does not exist';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'EACCES') return 'permission denied on the socket (is this user in the docker group?)';
  return error instanceof Error ? error.message : String(error);
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
