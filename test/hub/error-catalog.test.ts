import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hubErrorCatalog } from '../../hub/errors.js';

/** The documented error table and the catalog must say the same thing, code by code. */
describe('hub error catalog', () => {
  it('matches the table in hub/README.md', () => {
    const readme = readFileSync(new URL('../../hub/README.md', import.meta.url), 'utf8');
    const documented = [...readme.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3]]);
    const catalog = Object.entries(hubErrorCatalog).map(([code, entry]) => [code, entry.status, entry.title]);
    expect(documented).toEqual(catalog);
  });
});
