/**
 * Credentials for a registry push, as the docker CLI finds them: `--registry-auth`, else the Docker config
 * (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`): `credHelpers`, `credsStore`, then `auths`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BentocError } from '../diagnostics/index.js';

/** The Engine API's X-Registry-Auth payload. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** Docker Hub's key in config files; references without a registry host go there. */
const DOCKER_HUB = 'https://index.docker.io/v1/';

/** The registry a reference pushes to: its first path part when it looks like a host, else Docker Hub. */
export function registryOf(reference: string): string {
  const first = reference.split('/')[0]!;
  const hasHost = reference.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return hasHost ? first : 'docker.io';
}

export interface AuthSources {
  /** `USER:PASSWORD` from --registry-auth. */
  flag?: string;
  env?: NodeJS.ProcessEnv;
  /** Runs a docker-credential helper; injectable for tests. */
  runHelper?: (helper: string, server: string) => Promise<string>;
}

export async function resolveRegistryAuth(reference: string, sources: AuthSources = {}): Promise<RegistryAuth | undefined> {
  const registry = registryOf(reference);
  const serveraddress = registry === 'docker.io' ? DOCKER_HUB : registry;
  if (sources.flag !== undefined) return { ...parseUserPassword(sources.flag), serveraddress };

  const config = readDockerConfig(sources.env ?? process.env);
  if (!config) return undefined;
  const keys = registry === 'docker.io' ? [DOCKER_HUB, 'docker.io', 'index.docker.io', 'registry-1.docker.io'] : [registry, `https://${registry}`, `http://${registry}`];
  const helper = keys.map((k) => config.credHelpers?.[k]).find(Boolean) ?? config.credsStore;
  if (helper) {
    const fromHelper = await readFromHelper(helper, serveraddress, sources.runHelper ?? runCredentialHelper);
    if (fromHelper) return { ...fromHelper, serveraddress };
  }
  const entry = keys.map((k) => config.auths?.[k]).find(Boolean);
  if (!entry) return undefined;
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress };
  if (entry.auth) return { ...parseUserPassword(Buffer.from(entry.auth, 'base64').toString('utf8')), serveraddress };
  if (entry.username) return { username: entry.username, password: entry.password ?? '', serveraddress };
  return undefined;
}

function readDockerConfig(env: NodeJS.ProcessEnv): DockerConfig | undefined {
  const file = join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
  } catch (error) {
    throw new BentocError('bad_cli_input', `${file} is not valid JSON: ${(error as Error).message}`, {
      hint: 'fix the Docker config file, or pass --registry-auth USER:PASSWORD',
    });
  }
}

function parseUserPassword(value: string): { username: string; password: string } {
  const colon = value.indexOf(':');
  if (colon <= 0) {
    throw new BentocError('bad_cli_input', 'registry credentials must be USER:PASSWORD', {
      hint: 'e.g. --registry-auth "$REGISTRY_USER:$REGISTRY_TOKEN"',
    });
  }
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

async function readFromHelper(helper: string, server: string, run: NonNullable<AuthSources['runHelper']>) {
  let output: string;
  try {
    output = await run(helper, server);
  } catch {
    return undefined; // "credentials not found": fall back to `auths`, as the docker CLI does
  }
  let parsed: { Username?: string; Secret?: string };
  try {
    parsed = JSON.parse(output) as { Username?: string; Secret?: string };
  } catch (error) {
    throw new BentocError('bad_cli_input', `docker-credential-${helper} printed output that is not valid JSON for ${server}: ${(error as Error).message}`, {
      hint: `check the credential helper (try: echo ${server} | docker-credential-${helper} get), or pass --registry-auth USER:PASSWORD`,
    });
  }
  const { Username, Secret } = parsed ?? {};
  if (!Secret) return undefined;
  // Helpers return identity tokens with the username "<token>".
  return Username === '<token>' ? { identitytoken: Secret } : { username: Username ?? '', password: Secret };
}

function runCredentialHelper(helper: string, server: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(`docker-credential-${helper}`, ['get'], { timeout: 30_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    child.stdin?.end(server);
  });
}
