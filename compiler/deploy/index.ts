import { stringify } from 'yaml';
import { createAdapterRuleConfigMap, createAutoscaler } from './autoscaling.js';
import type { DeployPlan } from './deploy-plan.js';
import { createInferenceService, createServingRuntime } from './kserve-objects.js';
import { createDeployment, createPodDisruptionBudget, createService } from './kubernetes-objects.js';

export { resolveDeployPlan, type DeployFlags, type DeployPlan } from './deploy-plan.js';

export type DeployTarget = 'kubernetes' | 'kserve';

export interface ManifestFile {
  /** File name inside the output folder. */
  file: string;
  object: { apiVersion: string; kind: string };
  /** Listed in kustomization.yaml (the adapter rule is not: it belongs to the adapter's namespace). */
  inKustomization: boolean;
}

/** The objects for a target, one per file, in the order `kubectl apply` should see them. */
export function generateManifests(plan: DeployPlan, target: DeployTarget): ManifestFile[] {
  const files: ManifestFile[] =
    target === 'kserve'
      ? [
          { file: 'servingruntime.yaml', object: createServingRuntime(plan), inKustomization: true },
          { file: 'inferenceservice.yaml', object: createInferenceService(plan), inKustomization: true },
        ]
      : [
          { file: 'deployment.yaml', object: createDeployment(plan), inKustomization: true },
          { file: 'service.yaml', object: createService(plan), inKustomization: true },
          { file: 'poddisruptionbudget.yaml', object: createPodDisruptionBudget(plan), inKustomization: true },
          ...(plan.autoscale
            ? [
                { file: 'horizontalpodautoscaler.yaml', object: createAutoscaler({ ...plan, autoscale: plan.autoscale }), inKustomization: true },
                { file: 'prometheus-adapter-rules.yaml', object: createAdapterRuleConfigMap(plan), inKustomization: false },
              ]
            : []),
        ];
  return [...files, { file: 'kustomization.yaml', object: createKustomization(plan, files), inKustomization: false }];
}

function createKustomization(plan: DeployPlan, files: ManifestFile[]) {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    ...(plan.namespace ? { namespace: plan.namespace } : {}),
    resources: files.filter((f) => f.inKustomization).map((f) => f.file),
  };
}

export function renderManifest(manifest: ManifestFile, header: string): string {
  return `# ${header}\n${stringify(manifest.object, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
