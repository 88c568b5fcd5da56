import { check } from './check.js';
import type { Diagnostic } from './diagnostics/index.js';
import { computeInputsHash, generateBento, versionFromHash } from './phases/4-generate/index.js';
import { packageBento } from './phases/5-package/package-bento.js';
import { openStore, type StoredBento } from './store/index.js';
import { bentocVersion } from './version.js';

export interface BuildOptions {
  /** Path of bentofile.yaml. */
  bentofile: string;
  /** Environment for the store location ($BENTOML_HOME); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface BuildResult {
  bento: StoredBento;
  warnings: Diagnostic[];
  /** The same inputs were built before: the stored bento was reused as it is. */
  reused: boolean;
}

/** bentofile.yaml → bento in the store. The only place that chains the phases. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const { analyzed, warnings } = await check(options.bentofile, options.env);
  const resolved = analyzed.bentofile;

  const inputsSha256 = computeInputsHash(analyzed, bentocVersion);
  const version = versionFromHash(inputsSha256);
  const store = openStore(options.env);
  if (store.has(resolved.service, version)) {
    await store.setLatest(resolved.service, version);
    return { bento: await store.get(`${resolved.service}:${version}`), warnings, reused: true };
  }

  const staging = await store.createStaging();
  try {
    await generateBento(analyzed, { outDir: staging, version, inputsSha256, bentocVersion });
    const bento = await packageBento(store, staging, resolved.service, version);
    return { bento, warnings, reused: false };
  } catch (error) {
    await store.discardStaging(staging);
    throw error;
  }
}

export { check, type CheckResult } from './check.js';
export { BentocError, isBentocError, type Diagnostic } from './diagnostics/index.js';
export { openStore, type StoredBento } from './store/index.js';
