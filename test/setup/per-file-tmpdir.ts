/**
 * Gives each test file a TMPDIR of its own inside the run's temp root and removes it after the file's last
 * hook: temp dirs of the tests, of the CLI and servers they start (children inherit TMPDIR) and onnxruntime's
 * `mat-debug-<pid>.log` files all go with it. Servers are stopped in the files' own afterAll hooks, which run
 * before this one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, inject } from 'vitest';

const fileTemp = mkdtempSync(join(inject('testTempRoot'), 'file-'));
const previous = process.env.TMPDIR;
process.env.TMPDIR = fileTemp;

afterAll(() => {
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  rmSync(fileTemp, { recursive: true, force: true });
});
