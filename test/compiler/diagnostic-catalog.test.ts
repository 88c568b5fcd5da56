import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { catalog } from '../../compiler/diagnostics/catalog.js';
import { codesInFixtures } from '../support/diagnostic-fixtures.js';

it('documents every diagnostic code in compiler/diagnostics/README.md, and nothing else', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../compiler/diagnostics/README.md', import.meta.url)), 'utf8');
  const documented = new Map([...readme.matchAll(/^\| `([a-z_]+)` \| (error|warning) \|/gm)].map((m) => [m[1]!, m[2]!]));
  for (const [code, entry] of Object.entries(catalog)) expect(documented.get(code), `add ${code} to the README table`).toBe(entry.severity);
  expect([...documented.keys()].sort()).toEqual(Object.keys(catalog).sort());
});

/**
 * Codes that no fixture folder can produce, and the test that produces them instead: archives are built
 * byte by byte, and an image build needs a Docker engine. The named file must mention the code.
 */
const testedElsewhere: Record<string, string> = {
  archive_not_found: 'test/store/bento-archive.test.ts',
  archive_invalid: 'test/store/bento-archive.test.ts',
  archive_unsafe_entry: 'test/store/bento-archive.test.ts',
  model_checksum_mismatch: 'test/store/bento-archive.test.ts',
  image_build_failed: 'test/e2e/containerize.test.ts',
  image_push_failed: 'test/e2e/push.test.ts',
  hub_not_configured: 'test/e2e/hub-cli.test.ts',
  hub_unreachable: 'test/e2e/hub-cli.test.ts',
  hub_error: 'test/e2e/hub-cli.test.ts',
  hub_digest_mismatch: 'test/e2e/hub-cli.test.ts',
  npm_unresolved: 'test/compiler/dependencies.test.ts',
};

it('has a fixture for every diagnostic code (fixtures are the specification)', () => {
  const covered = codesInFixtures(['bentofile-errors', 'cli-errors']);
  const missing = Object.keys(catalog).filter((code) => !covered.has(code) && !testedElsewhere[code]);
  expect(missing, 'add a folder under test/fixtures/bentofile-errors or cli-errors for each').toEqual([]);
  for (const [code, file] of Object.entries(testedElsewhere)) {
    expect(Object.keys(catalog), `${code} is no longer a catalog code`).toContain(code);
    expect(readFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), 'utf8'), `${file} must test ${code}`).toContain(`'${code}'`);
  }
});
