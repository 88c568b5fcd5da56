import type { Deploy } from '../../../schemas/bentofile.generated.js';
import type { DiagnosticBag } from '../../diagnostics/index.js';
import type { DocPath, LoadedBentofile } from '../1-load/load-bentofile.js';
import type { ResolvedDeploy } from './resolved-bentofile.js';

/**
 * The bentofile's `deploy:` section, checked across fields. Only what the user wrote is kept: the defaults
 * depend on the stored bento (model sizes, GPU) and on `bentoc deploy`'s flags, so compiler/deploy fills them.
 */
export function resolveDeploy(raw: Deploy | undefined, loaded: LoadedBentofile, bag: DiagnosticBag): ResolvedDeploy | undefined {
  if (!raw) return undefined;
  const at = (...path: DocPath) => loaded.locate(['deploy', ...path], { key: true });
  const autoscale = raw.autoscale ?? {};
  if (autoscale.min !== undefined && autoscale.max !== undefined && autoscale.min > autoscale.max) {
    bag.add('invalid_value', `\`deploy.autoscale.min\` (${autoscale.min}) is larger than \`max\` (${autoscale.max})`, {
      span: at('autoscale', 'min'),
      hint: 'the autoscaler keeps the replica count between min and max: make min ≤ max',
    });
  }
  if (raw.replicas !== undefined && autoscale.max !== undefined && autoscale.enabled !== false && raw.replicas > autoscale.max) {
    bag.add('invalid_value', `\`deploy.replicas\` (${raw.replicas}) is above \`autoscale.max\` (${autoscale.max})`, {
      span: at('replicas'),
      hint: 'with autoscaling on, replicas is the minimum: lower it or raise autoscale.max',
    });
  }
  const resources = raw.resources ?? {};
  return {
    replicas: raw.replicas,
    resources: {
      // A number of cores is written as Kubernetes would print it: 0.5 → 500m.
      cpu: typeof resources.cpu === 'number' ? formatCpu(resources.cpu) : resources.cpu,
      memory: resources.memory,
      gpu: resources.gpu,
    },
    autoscale: {
      enabled: autoscale.enabled,
      min: autoscale.min,
      max: autoscale.max,
      targetCpuPercent: autoscale.target_cpu_percent,
      targetInFlight: autoscale.target_in_flight,
    },
  };
}

function formatCpu(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}
