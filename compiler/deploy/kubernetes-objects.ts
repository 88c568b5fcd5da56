/**
 * The core objects for a bento on Kubernetes: Deployment, Service, PodDisruptionBudget. Typed with
 * kubernetes-models' interfaces (types only), so a misspelt field fails the type check, not a cluster apply.
 */
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import type { DeployPlan } from './deploy-plan.js';

/** The model server container, shared by the Deployment and KServe's ServingRuntime. */
export function createServerContainer(plan: DeployPlan, name = 'server'): IContainer {
  const gpu: Record<string, string> = plan.resources.gpu > 0 ? { 'nvidia.com/gpu': String(plan.resources.gpu) } : {};
  return {
    name,
    image: plan.image,
    ports: [{ name: 'http', containerPort: plan.port, protocol: 'TCP' }],
    env: [{ name: 'PORT', value: String(plan.port) }],
    resources: {
      requests: { cpu: plan.resources.cpu, memory: plan.resources.memory, ...gpu },
      // Memory is a limit so a leak restarts one pod, not the node; CPU is not, since throttling adds latency.
      limits: { memory: plan.resources.memory, ...gpu },
    },
    // Ready once the models are loaded; a slow model load gets up to 10 minutes before the pod is restarted.
    startupProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 300 },
    readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
    // Generous: a pod busy with a long batch must not be killed for a slow answer.
    livenessProbe: { httpGet: { path: '/livez', port: 'http' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
    // Keeps serving while the endpoints controller and the proxies drop this pod; only then SIGTERM drains it.
    lifecycle: { preStop: { sleep: { seconds: plan.preStopSeconds } } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: plan.uid,
      runAsGroup: plan.uid,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    // onnxruntime and Node write only temporary files: /tmp is the one writable place.
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

export function createDeployment(plan: DeployPlan): IDeployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadataFor(plan),
    spec: {
      // With an autoscaler the replica count is its to set: re-applying this file must not reset it.
      ...(plan.autoscale ? {} : { replicas: plan.replicas }),
      selector: { matchLabels: plan.selector },
      // A new pod must be ready before an old one goes: capacity never drops during a rollout.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      revisionHistoryLimit: 5,
      template: {
        metadata: {
          labels: plan.labels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(plan.port),
            'prometheus.io/path': '/metrics',
            'bentoc.dev/bento': `${plan.bento.name}:${plan.bento.version}`,
          },
        },
        spec: {
          terminationGracePeriodSeconds: plan.terminationGraceSeconds,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: plan.uid, runAsGroup: plan.uid, fsGroup: plan.uid, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [createServerContainer(plan)],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }],
        },
      },
    },
  };
}

export function createService(plan: DeployPlan): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadataFor(plan),
    spec: {
      type: 'ClusterIP',
      selector: plan.selector,
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/** Voluntary disruptions (node drains, upgrades) take one pod at a time; with one replica, that still lets drains proceed. */
export function createPodDisruptionBudget(plan: DeployPlan): IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadataFor(plan),
    spec: { maxUnavailable: 1, selector: { matchLabels: plan.selector } },
  };
}

export function metadataFor(plan: DeployPlan, name = plan.name) {
  return { name, ...(plan.namespace ? { namespace: plan.namespace } : {}), labels: plan.labels };
}
