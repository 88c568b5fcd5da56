import type { DockerfileInput } from './dockerfile.js';
import type { BentoManifest } from './manifest.js';

/**
 * The Dockerfile is derived from the manifest alone, so `containerize --base-image` can regenerate it
 * from a stored bento exactly as `build` wrote it.
 */
export function toDockerfileInput(manifest: BentoManifest, overrides: { baseImage?: string } = {}): DockerfileInput {
  return {
    service: manifest.name,
    version: manifest.version,
    description: manifest.description,
    baseImage: overrides.baseImage ?? manifest.docker.base_image,
    gpu: manifest.docker.gpu,
    systemPackages: manifest.docker.system_packages,
    env: manifest.docker.env,
    setupScript: manifest.docker.setup_script,
    user: manifest.docker.user,
    labels: { ...manifest.labels, ...manifest.docker.labels },
    hasRequirements: manifest.env.pip.length > 0,
    port: manifest.runtime.port,
    grpcPort: manifest.runtime.grpcPort,
    source: manifest.labels.source,
    created: manifest.created,
  };
}
