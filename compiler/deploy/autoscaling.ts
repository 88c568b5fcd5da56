/**
 * A HorizontalPodAutoscaler on CPU and on bento_requests_in_flight per pod, plus the Prometheus Adapter rule that
 * turns the scraped gauge into the custom metric the autoscaler reads. CPU alone lags for model servers: requests
 * queue in the batcher while the model thread is the only busy core, so in-flight requests lead and CPU follows.
 */
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { stringify } from 'yaml';
import type { DeployPlan } from './deploy-plan.js';
import { metadataFor } from './kubernetes-objects.js';

export const IN_FLIGHT_METRIC = 'bento_requests_in_flight';

export function createAutoscaler(plan: DeployPlan & { autoscale: NonNullable<DeployPlan['autoscale']> }): IHorizontalPodAutoscaler {
  const { autoscale } = plan;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadataFor(plan),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: plan.name },
      minReplicas: autoscale.min,
      maxReplicas: autoscale.max,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscale.targetCpuPercent } } },
        { type: 'Pods', pods: { metric: { name: IN_FLIGHT_METRIC }, target: { type: 'AverageValue', averageValue: String(autoscale.targetInFlight) } } },
      ],
      behavior: {
        // Scale up at once on a burst; scale down slowly, since a new pod pays for a model load.
        scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }] },
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
      },
    },
  };
}

/**
 * The rule for prometheus-adapter's config (its `rules:` list): the gauge summed over a pod's APIs, per pod.
 * Written as a ConfigMap so the folder holds only Kubernetes objects; it is not in kustomization.yaml because it
 * belongs to the adapter's own namespace and config; merge its rule into the adapter you run.
 */
export function createAdapterRuleConfigMap(plan: DeployPlan): IConfigMap {
  const rules = {
    rules: [
      {
        seriesQuery: `${IN_FLIGHT_METRIC}{namespace!="",pod!=""}`,
        resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
        name: { matches: `^${IN_FLIGHT_METRIC}$`, as: IN_FLIGHT_METRIC },
        metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
      },
    ],
  };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${plan.name}-prometheus-adapter-rules`, labels: plan.labels },
    data: { 'config.yaml': stringify(rules, { lineWidth: 0 }) },
  };
}
