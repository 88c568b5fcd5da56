import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The installed version of a package as seen from `require`'s location. Packages whose `exports` hide
 * `package.json` are found by resolving their entry and walking up to their own manifest.
 */
export function readInstalledVersion(require: NodeRequire, name: string): string | undefined {
  for (const manifestPath of candidateManifests(require, name)) {
    try {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === name && manifest.version) return manifest.version;
    } catch {
      // not this one: keep looking
    }
  }
  return undefined;
}

function* candidateManifests(require: NodeRequire, name: string): Generator<string> {
  try {
    yield require.resolve(`${name}/package.json`);
    return;
  } catch {
    // exports map hides package.json
  }
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    return;
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) yield manifest;
  }
}
