import type { RuntimeConfig } from '../../../runtime-template/contract.js';
import type { AnalyzedBento } from '../3-analyze/index.js';

/** What the server is told at start: the resolved settings, model signatures and bound APIs. */
export function createRuntimeConfig(analyzed: AnalyzedBento, version: string): RuntimeConfig {
  const { bentofile } = analyzed;
  return {
    service: { name: bentofile.service, version, description: bentofile.description },
    runtime: bentofile.runtime,
    models: analyzed.models.map((m) => m.spec),
    apis: analyzed.apis,
  };
}
