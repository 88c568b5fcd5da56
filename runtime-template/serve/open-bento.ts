/** The parts every way of running a bento shares: where it lives and its pool of model workers. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuntimeConfig } from '../contract.js';
import { createModelPool, type ModelPool, type ModelPoolOptions } from '../model/create-model-pool.js';

export interface OpenedBento {
  /** The bento folder: the bundle's folder. */
  bentoDir: string;
  pool: ModelPool;
}

export function openBento(
  config: RuntimeConfig,
  bundleUrl: URL,
  hooks: Pick<ModelPoolOptions, 'onWarning' | 'onWorkerReady' | 'onExecuted' | 'inline' | 'onInline'>,
): OpenedBento {
  const bentoDir = dirname(fileURLToPath(bundleUrl));
  const pool = createModelPool({
    workerUrl: bundleUrl,
    modelsDir: join(bentoDir, 'models'),
    models: config.models,
    runtime: config.runtime,
    ...hooks,
  });
  return { bentoDir, pool };
}
