import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DiagnosticBag, SourceSpan } from '../../diagnostics/index.js';
import { readInstalledVersion } from '../../utils/package-version.js';
import type { DeclaredNpmPackage } from '../2-validate/check-packages.js';

export interface NpmDependency {
  name: string;
  /** Exact installed version, or the declared range when declared by hand. */
  version: string;
  source: 'declared' | 'inferred';
}

/**
 * Pins each package a handler imports to the version installed in the project, as a lockfile would;
 * declared `name@range` entries win over inferred ones.
 */
export function inferNpmDependencies(
  declared: DeclaredNpmPackage[],
  imported: string[],
  projectDir: string,
  bag: DiagnosticBag,
  span: SourceSpan,
): NpmDependency[] {
  const byName = new Map<string, NpmDependency>();
  for (const { name, spec } of declared) byName.set(name, { name, version: spec, source: 'declared' });
  const require = createRequire(join(projectDir, 'bentofile.yaml'));
  for (const name of imported) {
    if (byName.has(name)) continue;
    const version = readInstalledVersion(require, name);
    if (version) byName.set(name, { name, version, source: 'inferred' });
    else
      bag.report('npm_unresolved', span, name, projectDir);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
