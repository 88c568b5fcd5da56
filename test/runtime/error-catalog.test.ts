/** The error catalog and its documentation must not drift apart. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ERROR_STATUS } from '../../runtime-template/errors.js';

it('documents every error code with its status in runtime-template/README.md', () => {
  const readme = readFileSync(join(import.meta.dirname, '../../runtime-template/README.md'), 'utf8');
  const documented = new Map([...readme.matchAll(/^\| `([a-z_]+)` \| (\d+|4xx) \|/gm)].map((m) => [m[1]!, m[2]!]));
  for (const [code, status] of Object.entries(ERROR_STATUS)) {
    expect(documented.get(code), code).toBe(code === 'handler_rejected' ? '4xx' : String(status));
  }
  expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_STATUS).sort());
});
