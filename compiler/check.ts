import { DiagnosticBag, type Diagnostic } from './diagnostics/index.js';
import { loadBentofile } from './phases/1-load/load-bentofile.js';
import { validateBentofile } from './phases/2-validate/index.js';
import { analyzeBento, type AnalyzedBento } from './phases/3-analyze/index.js';
import { openModelStore } from './store/model-store.js';

export interface CheckResult {
  analyzed: AnalyzedBento;
  warnings: Diagnostic[];
}

/** Phases 1–3 only: everything `build` would report, without writing anything. `env` locates the model store. */
export async function check(bentofile: string, env: NodeJS.ProcessEnv = process.env): Promise<CheckResult> {
  const bag = new DiagnosticBag();
  const models = openModelStore(env);
  const resolved = validateBentofile(await loadBentofile(bentofile), bag, (tag) => models.locate(tag));
  const analyzed = await analyzeBento(resolved, bag);
  return { analyzed, warnings: bag.warnings };
}
