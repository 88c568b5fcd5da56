import type { DiagnosticBag } from '../../diagnostics/index.js';
import type { LoadedBentofile } from '../1-load/load-bentofile.js';
import { checkNpmSpec } from '../../utils/check-npm-spec.js';
import { parsePep508 } from '../../utils/parse-pep508.js';

/** A declared npm package, read as npm reads it. */
export interface DeclaredNpmPackage {
  name: string;
  /** Range, tag, URL or `file:` path, as written; `*` when only the name is given. */
  spec: string;
}

/** Validates `env.npm.packages` and returns the valid ones, split into name and spec. */
export function checkNpmPackages(entries: string[], loaded: LoadedBentofile, bag: DiagnosticBag): DeclaredNpmPackage[] {
  const valid: DeclaredNpmPackage[] = [];
  entries.forEach((entry, i) => {
    const checked = checkNpmSpec(entry, loaded.projectDir);
    const at = loaded.locate(['env', 'npm', 'packages', i]);
    if (!checked.ok) bag.report('npm_spec_invalid', at, entry, checked.reason);
    else if (valid.some((p) => p.name === checked.name)) bag.report('npm_spec_invalid', at, entry, `\`${checked.name}\` is already listed; keep one version`);
    else valid.push({ name: checked.name, spec: checked.spec });
  });
  return valid;
}

/** Validates `env.pip.packages` as PEP 508 requirements (requirements files are checked where they are read). */
export function checkPipPackages(entries: string[], loaded: LoadedBentofile, bag: DiagnosticBag): void {
  entries.forEach((entry, i) => {
    const parsed = parsePep508(entry);
    if (!parsed.ok) bag.report('pip_requirement_invalid', loaded.locate(['env', 'pip', 'packages', i]), entry, parsed.reason);
  });
}
