/**
 * Tests that need a service absent on this machine skip with a visible reason, and fail under CI=true, so a
 * broken CI machine can never pass silently.
 */
import type Docker from 'dockerode';
import { describe, it } from 'vitest';
import { connectDockerEngine } from '../../compiler/image/docker-engine.js';

export function declareSkipOrFail(suite: string, reason: string | undefined): void {
  if (reason === undefined) return;
  console.warn(`[${suite}] skipped: ${reason}`);
  // Declared only when it must fail, so a healthy run shows no extra skipped test.
  if (process.env.CI === 'true') {
    describe(`${suite} prerequisites`, () => {
      it('are present in CI', () => {
        throw new Error(`CI=true but ${suite} cannot run: ${reason}`);
      });
    });
  }
}

/** Why the Docker tests cannot run here (no engine at DOCKER_HOST, or no local base image), or undefined. */
export async function findDockerSkipReason(baseImage: string): Promise<string | undefined> {
  let docker: Docker;
  try {
    docker = (await connectDockerEngine()).docker;
  } catch (error) {
    return `no Docker engine (${(error as Error).message}); start one with: eval "$(test/support/docker/start-dockerd.sh)"`;
  }
  try {
    await docker.getImage(baseImage).inspect();
  } catch {
    return `base image ${baseImage} is missing; build it with: test/support/docker/make-base-image.sh`;
  }
  return undefined;
}
