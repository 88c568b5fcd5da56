import { BentocError } from '../diagnostics/index.js';
import type { DockerEngine } from './docker-engine.js';
import type { RegistryAuth } from './registry-auth.js';

/** What a push reports: per-layer status changes and byte progress, then the digest the registry gave. */
export type PushProgressEvent =
  | { type: 'layer'; reference: string; id: string; status: string; current?: number; total?: number }
  | { type: 'pushed'; reference: string; digest: string; pinned: string; size?: number };

export interface PushedImage {
  reference: string;
  /** `sha256:…` of the manifest, as the registry stored it. */
  digest: string;
  /** `repository@sha256:…`: what deployments should run. */
  pinned: string;
}

interface PushMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
  aux?: { Tag?: string; Digest?: string; Size?: number };
}

/** `host:5000/team/iris:1.0` → [`host:5000/team/iris`, `1.0`]; a registry port is not a tag. */
export function splitReference(reference: string): { repository: string; tag: string } {
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  return colon > slash ? { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) } : { repository: reference, tag: 'latest' };
}

/** Pushes a local image through the engine (a sink, like build's tarball or daemon ones) and returns its digest. */
export async function pushImage(options: {
  engine: DockerEngine;
  reference: string;
  auth?: RegistryAuth;
  onProgress?: (event: PushProgressEvent) => void;
}): Promise<PushedImage> {
  const { engine, reference, auth, onProgress } = options;
  const { repository, tag } = splitReference(reference);
  // The engine wants some X-Registry-Auth even for an open registry; an empty object means "anonymous".
  const stream = (await engine.docker.getImage(repository).push({ tag, authconfig: auth ?? {} })) as NodeJS.ReadableStream;
  const messages = await new Promise<PushMessage[]>((resolve, reject) => {
    engine.docker.modem.followProgress(
      stream,
      (error: Error | null, output: PushMessage[]) => (error ? reject(error) : resolve(output)),
      (message: PushMessage) => {
        if (message.id && message.status && message.id !== tag) {
          onProgress?.({ type: 'layer', reference, id: message.id, status: message.status, ...message.progressDetail });
        }
      },
    );
  });
  const failure = messages.find((m) => m.error !== undefined);
  if (failure) throw toPushError(reference, failure.errorDetail?.message ?? failure.error!);
  const aux = messages.findLast((m) => m.aux?.Digest)?.aux;
  const digest = aux?.Digest ?? /digest: (sha256:[a-f0-9]{64})/.exec(messages.map((m) => m.status ?? '').join('\n'))?.[1];
  if (!digest) throw toPushError(reference, 'the engine reported no digest');
  const pushed = { reference, digest, pinned: `${repository}@${digest}` };
  onProgress?.({ type: 'pushed', ...pushed, size: aux?.Size });
  return pushed;
}

function toPushError(reference: string, reason: string): BentocError {
  const denied = /denied|unauthorized|authentication required|no basic auth/i.test(reason);
  const unreachable = /no such host|connection refused|dial tcp|i\/o timeout|server gave HTTP response to HTTPS client/i.test(reason);
  return new BentocError('image_push_failed', `Pushing ${reference} failed: ${reason}`, {
    hint: denied
      ? 'Log in (docker login <registry>, read from ~/.docker/config.json or $DOCKER_CONFIG) or pass --registry-auth USER:PASSWORD.'
      : unreachable
        ? 'Check the registry host and port in the tag; a plain-HTTP registry must be listed in the engine\'s insecure-registries (127.0.0.0/8 is by default).'
        : 'Check the tag names a registry you can push to (e.g. registry.example.com/team/name:tag).',
  });
}
