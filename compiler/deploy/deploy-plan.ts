import type { BentoManifest } from '../phases/4-generate/index.js';
import { BENTO_UID } from '../phases/4-generate/dockerfile.js';
import { toKubernetesName, toLabelValue } from './kubernetes-name.js';

/** What `bentoc deploy`'s flags may set; each wins over the bento's `deploy:` section. */
export interface DeployFlags {
  image?: string;
  replicas?: number;
  namespace?: string;
  cpu?: string;
  memory?: string;
  gpu?: number;
  /** false turns the HorizontalPodAutoscaler off. */
  autoscale?: boolean;
  maxReplicas?: number;
}

/** Everything the manifest writers need, resolved once: flags over bento.yaml's `deploy:` over defaults. */
export interface DeployPlan {
  /** Object name (RFC 1035 label) shared by every object written. */
  name: string;
  namespace?: string;
  image: string;
  /** True when the image is pinned by digest (`repo@sha256:…`), so every pod runs the same bytes. */
  imageByDigest: boolean;
  port: number;
  uid: number;
  replicas: number;
  resources: { cpu: string; memory: string; gpu: number };
  autoscale?: { min: number; max: number; targetCpuPercent: number; targetInFlight: number };
  /** Seconds the pod keeps serving after it is told to stop, while endpoints drop it (preStop pause). */
  preStopSeconds: number;
  /** terminationGracePeriodSeconds: the pause plus the runtime's own drain limit plus a margin. */
  terminationGraceSeconds: number;
  /** Selector labels: stable across versions (a Deployment's selector cannot change). */
  selector: Record<string, string>;
  /** Selector labels plus the version and the tool. */
  labels: Record<string, string>;
  bento: { name: string; version: string };
}

export const deployDefaults = {
  replicas: 2,
  cpu: '1',
  /** Per replica, above the model files: Node, the bundle and onnxruntime's arenas. */
  baseMemoryMi: 384,
  /** onnxruntime holds the weights plus optimised copies and activations: ~3× the file, measured loosely. */
  memoryPerModelByte: 3,
  maxReplicasFactor: 5,
  targetCpuPercent: 70,
  /** In-flight requests per pod: enough to fill batches, few enough that queueing stays short. */
  targetInFlight: 16,
  preStopSeconds: 5,
  /**
   * The runtime gives up draining after requestTimeoutMs + keep-alive time + 6 s: idle keep-alive connections get
   * their advertised timeout + 1 s, then a 5 s margin (runtime-template/serve/start-server.ts).
   */
  runtimeDrainMarginMs: 6_000,
  /** The runtime's keep-alive time when the bento does not set one (runtime-template/http/drain-state.ts). */
  keepAliveTimeoutMs: 10_000,
  graceMarginSeconds: 5,
} as const;

export function resolveDeployPlan(bento: { name: string; version: string; manifest: BentoManifest }, flags: DeployFlags): DeployPlan {
  const { manifest } = bento;
  const settings = manifest.deploy ?? {};
  const name = toKubernetesName(bento.name);
  const image = flags.image ?? `${bento.name}:${bento.version}`;
  const replicas = flags.replicas ?? settings.replicas ?? settings.autoscale?.min ?? deployDefaults.replicas;
  const autoscaleOn = flags.autoscale ?? settings.autoscale?.enabled ?? true;
  // --replicas is the floor the autoscaler keeps; without it, autoscale.min, then replicas.
  const min = flags.replicas ?? settings.autoscale?.min ?? replicas;
  const max = Math.max(min, flags.maxReplicas ?? settings.autoscale?.max ?? min * deployDefaults.maxReplicasFactor);
  const keepAliveMs = manifest.runtime.keepAliveTimeoutMs ?? deployDefaults.keepAliveTimeoutMs;
  const drainMs = manifest.runtime.requestTimeoutMs + keepAliveMs + deployDefaults.runtimeDrainMarginMs;
  const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'model-server' };
  return {
    name,
    namespace: flags.namespace,
    image,
    imageByDigest: /@sha256:[a-f0-9]{64}$/.test(image),
    port: manifest.runtime.port,
    uid: BENTO_UID,
    replicas,
    resources: {
      cpu: flags.cpu ?? settings.resources?.cpu ?? deployDefaults.cpu,
      memory: flags.memory ?? settings.resources?.memory ?? defaultMemory(manifest),
      gpu: flags.gpu ?? settings.resources?.gpu ?? (manifest.docker.gpu ? 1 : 0),
    },
    autoscale: autoscaleOn
      ? {
          min,
          max,
          targetCpuPercent: settings.autoscale?.target_cpu_percent ?? deployDefaults.targetCpuPercent,
          targetInFlight: settings.autoscale?.target_in_flight ?? deployDefaults.targetInFlight,
        }
      : undefined,
    preStopSeconds: deployDefaults.preStopSeconds,
    terminationGraceSeconds: deployDefaults.preStopSeconds + Math.ceil(drainMs / 1000) + deployDefaults.graceMarginSeconds,
    selector,
    labels: {
      ...selector,
      'app.kubernetes.io/version': toLabelValue(bento.version),
      'app.kubernetes.io/managed-by': 'bentoc',
    },
    bento: { name: bento.name, version: bento.version },
  };
}

/** Memory request and limit in Mi, rounded up to 64 Mi. */
function defaultMemory(manifest: BentoManifest): string {
  const modelBytes = manifest.models.reduce((sum, m) => sum + m.size_bytes, 0);
  const mi = deployDefaults.baseMemoryMi + (modelBytes * deployDefaults.memoryPerModelByte) / 2 ** 20;
  return `${Math.ceil(mi / 64) * 64}Mi`;
}
