/**
 * KServe: a ServingRuntime that runs the bento image and an InferenceService that selects it. The bento answers
 * its own routes (POST /<api>) until the Open Inference Protocol lands in the runtime; the model is baked into
 * the image, so the InferenceService names no storageUri. Knative (KServe's serverless mode) accepts one port
 * and numeric probe ports, so the container here is plainer than the Deployment's.
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { DeployPlan } from './deploy-plan.js';
import { createServerContainer, metadataFor } from './kubernetes-objects.js';

/** KServe's CRDs are not in kubernetes-models; these are the fields written, as in serving.kserve.io's schemas. */
export interface ServingRuntime {
  apiVersion: 'serving.kserve.io/v1alpha1';
  kind: 'ServingRuntime';
  metadata: ReturnType<typeof metadataFor> & { annotations?: Record<string, string> };
  spec: {
    supportedModelFormats: { name: string; version?: string; autoSelect?: boolean; priority?: number }[];
    containers: IContainer[];
    volumes?: IVolume[];
    annotations?: Record<string, string>;
  };
}

export interface InferenceService {
  apiVersion: 'serving.kserve.io/v1beta1';
  kind: 'InferenceService';
  metadata: ReturnType<typeof metadataFor> & { annotations?: Record<string, string> };
  spec: {
    predictor: {
      minReplicas?: number;
      maxReplicas?: number;
      scaleMetric?: 'cpu' | 'memory' | 'concurrency' | 'rps';
      scaleTarget?: number;
      terminationGracePeriodSeconds?: number;
      model: { modelFormat: { name: string; version?: string }; runtime: string };
    };
  };
}

export function createServingRuntime(plan: DeployPlan): ServingRuntime {
  const full = createServerContainer(plan, 'kserve-container');
  const container: IContainer = {
    name: full.name,
    image: full.image,
    ports: [{ containerPort: plan.port, protocol: 'TCP' }],
    env: full.env,
    resources: full.resources,
    readinessProbe: { httpGet: { path: '/readyz', port: plan.port }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
    livenessProbe: { httpGet: { path: '/livez', port: plan.port }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
    securityContext: full.securityContext,
    volumeMounts: full.volumeMounts,
  };
  return {
    apiVersion: 'serving.kserve.io/v1alpha1',
    kind: 'ServingRuntime',
    metadata: metadataFor(plan, `${plan.name}-runtime`),
    spec: {
      supportedModelFormats: [{ name: modelFormatOf(plan), version: '1', autoSelect: true }],
      annotations: { 'prometheus.kserve.io/port': String(plan.port), 'prometheus.kserve.io/path': '/metrics' },
      containers: [container],
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }],
    },
  };
}

export function createInferenceService(plan: DeployPlan): InferenceService {
  const autoscale = plan.autoscale;
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { ...metadataFor(plan), annotations: { 'serving.kserve.io/enable-prometheus-scraping': 'true' } },
    spec: {
      predictor: {
        minReplicas: autoscale?.min ?? plan.replicas,
        maxReplicas: autoscale?.max ?? plan.replicas,
        // Knative's concurrency is requests in flight per pod: the same signal as bento_requests_in_flight.
        ...(autoscale ? { scaleMetric: 'concurrency' as const, scaleTarget: autoscale.targetInFlight } : {}),
        terminationGracePeriodSeconds: plan.terminationGraceSeconds,
        model: { modelFormat: { name: modelFormatOf(plan), version: '1' }, runtime: `${plan.name}-runtime` },
      },
    },
  };
}

/** The format name ties the InferenceService to this runtime only: no other runtime can serve a bento image. */
function modelFormatOf(plan: DeployPlan): string {
  return `bento-${plan.name}`;
}
