import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { catalog } from '../../compiler/diagnostics/catalog.js';

it('documents every diagnostic code in compiler/diagnostics/README.md, and nothing else', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../compiler/diagnostics/README.md', import.meta.url)), 'utf8');
  const documented = new Map([...readme.matchAll(/^\| `([a-z_]+)` \| (error|warning) \|/gm)].map((m) => [m[1]!, m[2]!]));
  for (const [code, entry] of Object.entries(catalog)) expect(documented.get(code), `add ${code} to the README table`).toBe(entry.severity);
  expect([...documented.keys()].sort()).toEqual(Object.keys(catalog).sort());
});
