/**
 * Run-wide temp folder check. Every test file gets its own TMPDIR inside one folder made here (see
 * per-file-tmpdir.ts), so what tests, the CLI, servers and onnxruntime (`mat-debug-<pid>.log`) write to the
 * temp dir lands there. At the end, anything still inside fails the run (and is removed), as does, under
 * CI, a new /tmp/bentoc-* entry: tests must leave nothing behind. Locally other runs on a shared machine may
 * make /tmp/bentoc-* entries at the same time, so those are only reported there.
 */
import { mkdtempSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    testTempRoot: string;
  }
}

/** Vitest only logs a teardown's error ("error during close") and exits 0: set the exit code too. */
function fail(message: string): never {
  process.exitCode = 1;
  throw new Error(`[temp check] ${message}`);
}

const listBentocEntries = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('bentoc-'));

export default function setup(project: TestProject): () => void {
  const systemTemp = tmpdir();
  const before = new Set(listBentocEntries(systemTemp));
  const root = mkdtempSync(join(systemTemp, 'bentoc-tests-'));
  project.provide('testTempRoot', root);
  return () => {
    // A file whose tests were all skipped never runs its afterAll hooks, so its (empty) TMPDIR stays: not a leak.
    for (const entry of readdirSync(root)) {
      if (readdirSync(join(root, entry)).length === 0) rmdirSync(join(root, entry));
    }
    const leftInside = readdirSync(root, { recursive: true }).map(String);
    rmSync(root, { recursive: true, force: true });
    const leftOutside = listBentocEntries(systemTemp).filter((name) => !before.has(name));
    if (leftOutside.length > 0) {
      const message = `new ${systemTemp}/bentoc-* entries during this run: ${leftOutside.join(', ')}`;
      if (process.env.CI === 'true') fail(`${message} (tests must use the per-file TMPDIR and remove what they make)`);
      console.warn(`[temp check] ${message} (not failing outside CI: other runs may share this machine)`);
    }
    if (leftInside.length > 0) {
      fail(`tests left ${leftInside.length} entries in their temp folders (removed now): ${leftInside.slice(0, 20).join(', ')}`);
    }
  };
}
