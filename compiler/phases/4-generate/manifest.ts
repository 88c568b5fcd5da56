import { stringify } from 'yaml';
import type { RuntimeConfig } from '../../../runtime-template/contract.js';
import type { ResolvedDeploy } from '../2-validate/resolved-bentofile.js';
import type { AnalyzedBento } from '../3-analyze/index.js';

/** What `bento.yaml` holds: everything a reader, the store, or `containerize` needs about this bento. */
export interface BentoManifest {
  name: string;
  version: string;
  bentoc_version: string;
  /** ISO time from SOURCE_DATE_EPOCH when set; never the clock, so rebuilds stay byte-identical. */
  created?: string;
  description?: string;
  labels: Record<string, string>;
  /** Hash of everything the bento was made from: same inputs, same hash, same version. */
  inputs_sha256: string;
  apis: {
    name: string;
    route: string;
    model?: string;
    handler?: string;
    input: unknown;
    output: unknown;
    batch: { enabled: boolean; max_batch_size: number; max_latency_ms: number; policy?: string; timeout_ms?: number; axes?: Record<string, number | null> };
  }[];
  models: { name: string; file: string; sha256: string; size_bytes: number; inputs: unknown; outputs: unknown }[];
  env: { npm: { name: string; version: string; source: string }[]; pip: string[] };
  runtime: RuntimeConfig['runtime'];
  docker: {
    base_image: string;
    gpu: boolean;
    system_packages: string[];
    env: Record<string, string>;
    setup_script?: string;
    user: string;
    labels: Record<string, string>;
  };
  /** The bentofile's `deploy:` section, read by `bentoc deploy`; absent when the bentofile has none. */
  deploy?: DeploySettings;
}

export interface DeploySettings {
  replicas?: number;
  resources?: { cpu?: string; memory?: string; gpu?: number };
  autoscale?: { enabled?: boolean; min?: number; max?: number; target_cpu_percent?: number; target_in_flight?: number };
}

export function createManifest(analyzed: AnalyzedBento, config: RuntimeConfig, inputsSha256: string, bentocVersion: string): BentoManifest {
  const { bentofile } = analyzed;
  const sizes = new Map(analyzed.models.map((m) => [m.spec.name, m.bytes.length]));
  return {
    name: config.service.name,
    version: config.service.version,
    bentoc_version: bentocVersion,
    created: sourceDateEpoch(),
    description: bentofile.description,
    labels: bentofile.labels,
    inputs_sha256: inputsSha256,
    apis: config.apis.map((api) => ({
      name: api.name,
      route: api.route,
      model: api.model,
      handler: api.handler,
      input: api.input,
      output: api.output,
      batch: {
        enabled: api.batch.enabled,
        max_batch_size: api.batch.maxBatchSize,
        max_latency_ms: api.batch.maxLatencyMs,
        // Only the advanced, non-default policy is recorded, so existing manifests stay as they were.
        ...(api.batch.policy === 'fixed_timeout' ? { policy: api.batch.policy, timeout_ms: api.batch.timeoutMs } : {}),
        // Each model tensor's batch axis (null: none), as batches are concatenated and split.
        ...(api.batch.axes ? { axes: api.batch.axes } : {}),
      },
    })),
    models: config.models.map((m) => ({
      name: m.name,
      file: `models/${m.file}`,
      sha256: m.sha256,
      size_bytes: sizes.get(m.name) ?? 0,
      inputs: m.inputs,
      outputs: m.outputs,
    })),
    env: { npm: analyzed.npm, pip: analyzed.pip.lines },
    runtime: config.runtime,
    docker: {
      base_image: bentofile.docker.baseImage,
      gpu: bentofile.docker.gpu,
      system_packages: bentofile.docker.systemPackages,
      env: bentofile.docker.env,
      setup_script: bentofile.docker.setupScript ? 'setup.sh' : undefined,
      user: bentofile.docker.user,
      labels: bentofile.docker.labels,
    },
    deploy: toDeploySettings(bentofile.deploy),
  };
}

function toDeploySettings(deploy: ResolvedDeploy | undefined): DeploySettings | undefined {
  if (!deploy) return undefined;
  const { autoscale: a, resources } = deploy;
  return {
    replicas: deploy.replicas,
    resources: { cpu: resources.cpu, memory: resources.memory, gpu: resources.gpu },
    autoscale: { enabled: a.enabled, min: a.min, max: a.max, target_cpu_percent: a.targetCpuPercent, target_in_flight: a.targetInFlight },
  };
}

export function stringifyManifest(manifest: BentoManifest): string {
  return stringify(manifest, { lineWidth: 0, aliasDuplicateObjects: false });
}

function sourceDateEpoch(): string | undefined {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  return Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000).toISOString() : undefined;
}
