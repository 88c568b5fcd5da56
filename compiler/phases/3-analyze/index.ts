import { existsSync, statSync } from 'node:fs';
import type { ApiSpec, ModelSpec } from '../../../runtime-template/contract.js';
import type { DiagnosticBag } from '../../diagnostics/index.js';
import type { ResolvedBentofile } from '../2-validate/index.js';
import { analyzeHandler } from './analyze-handler.js';
import { bindApi } from './bind-apis.js';
import { inferNpmDependencies, type NpmDependency } from './infer-npm.js';
import { collectPipRequirements, type PipRequirements } from './infer-pip.js';
import { probeImageSizes } from './probe-image-sizes.js';
import { readOnnxSignature } from './read-onnx-signature.js';

export type { NpmDependency } from './infer-npm.js';
export type { PipRequirements } from './infer-pip.js';

export interface AnalyzedModel {
  spec: ModelSpec;
  /** Absolute source path of the ONNX file. */
  source: string;
  bytes: Buffer;
}

export interface AnalyzedBento {
  bentofile: ResolvedBentofile;
  models: AnalyzedModel[];
  apis: ApiSpec[];
  npm: NpmDependency[];
  pip: PipRequirements;
  /** Every project file the bento is made from (handlers and what they import), for the content hash. */
  sourceFiles: string[];
}

/** Reads what the bentofile points at: model signatures, handlers, dependencies. Throws all errors at once. */
export async function analyzeBento(bentofile: ResolvedBentofile, bag: DiagnosticBag): Promise<AnalyzedBento> {
  const models: AnalyzedModel[] = [];
  const settled = await Promise.allSettled(bentofile.artifacts.map((a) => readOnnxSignature(a.path, a.span)));
  settled.forEach((result, i) => {
    const artifact = bentofile.artifacts[i]!;
    if (result.status === 'rejected') return collect(result.reason, bag);
    const { inputs, outputs, sha256, bytes } = result.value;
    models.push({ spec: { name: artifact.name, file: `${artifact.name}.onnx`, sha256, inputs, outputs }, source: artifact.path, bytes });
  });

  const imported = new Set<string>();
  const sourceFiles = new Set<string>();
  for (const api of bentofile.apis) {
    if (!api.handler) continue;
    try {
      const analysis = await analyzeHandler(api.handler);
      analysis.packages.forEach((p) => imported.add(p));
      analysis.files.forEach((f) => sourceFiles.add(f));
    } catch (error) {
      collect(error, bag);
    }
  }
  bag.throwIfErrors();

  const byName = new Map(models.map((m) => [m.spec.name, m.spec]));
  const apis = bentofile.apis.map((api) => bindApi(api, byName, bag));
  // Only a bentofile without other errors is worth running a model for.
  if (bag.errors.length === 0) await probeImageSizes(bentofile.apis, apis, new Map(models.map((m) => [m.spec.name, m])), bag);
  const firstHandler = bentofile.apis.find((a) => a.handler)?.handler;
  const npm = bentofile.env.npm.infer || bentofile.env.npm.packages.length > 0
    ? inferNpmDependencies(
        bentofile.env.npm.packages,
        bentofile.env.npm.infer ? [...imported] : [],
        bentofile.projectDir,
        bag,
        firstHandler?.span ?? { file: bentofile.file, start: { line: 1, column: 1 } },
      )
    : [];
  const pip = collectPipRequirements(bentofile, bag);
  const { setupScript, setupScriptSpan } = bentofile.docker;
  if (setupScript && !isFile(setupScript)) bag.report('setup_script_missing', setupScriptSpan, setupScript);
  bag.throwIfErrors();
  return { bentofile, models, apis, npm, pip, sourceFiles: [...sourceFiles].sort() };
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** Adds a user error's diagnostics to the bag; rethrows anything else (a bug). */
function collect(error: unknown, bag: DiagnosticBag): void {
  const diagnostics = (error as { diagnostics?: DiagnosticBag['items'] }).diagnostics;
  if (!diagnostics) throw error;
  bag.items.push(...diagnostics);
}
