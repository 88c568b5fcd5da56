import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DiagnosticBag, SourceSpan } from '../../diagnostics/index.js';
import { readInstalledVersion } from '../../utils/package-version.js';

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
  declared: string[],
  imported: string[],
  projectDir: string,
  bag: DiagnosticBag,
  span: SourceSpan,
): NpmDependency[] {
  const byName = new Map<string, NpmDependency>();
  for (const entry of declared) {
    const at = entry.lastIndexOf('@');
    const [name, version] = at > 0 ? [entry.slice(0, at), entry.slice(at + 1)] : [entry, '*'];
    byName.set(name, { name, version, source: 'declared' });
  }
  const require = createRequire(join(projectDir, 'bentofile.yaml'));
  for (const name of imported) {
    if (byName.has(name)) continue;
    const version = readInstalledVersion(require, name);
    if (version) byName.set(name, { name, version, source: 'inferred' });
    else
      bag.add('npm_unresolved', `a handler imports \`${name}\`, which is not installed in ${projectDir}`, {
        span,
        hint: `run \`npm install ${name}\` in the project, or declare it under env.npm.packages`,
      });
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
