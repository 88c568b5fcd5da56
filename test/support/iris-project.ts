import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainIris } from '../../samples/iris/train.js';

/** Iris model bytes, trained once per test file (deterministic, ~0.1 s). */
let irisModel: Uint8Array | undefined;
export function irisModelBytes(): Uint8Array {
  irisModel ??= trainIris().modelBytes;
  return irisModel;
}

/** A throwaway folder for a test: a project, a BENTOML_HOME, … */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `bentoc-${prefix}-`));
}

/** Copies a fixture folder into a fresh project dir with `iris.onnx` beside it, as a user's project would have. */
export function makeProjectFrom(fixtureDir: string): string {
  const dir = makeTempDir('project');
  cpSync(fixtureDir, dir, { recursive: true });
  writeFileSync(join(dir, 'iris.onnx'), irisModelBytes());
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  return dir;
}
