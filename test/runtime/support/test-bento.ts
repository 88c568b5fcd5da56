/** Builds a real bento (bundle + native modules + model) into a temp dir and runs it as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { bundleServer, type HandlerEntry } from '../../../compiler/phases/4-generate/bundle-server.js';
import { copyRuntimeAssets } from '../../../compiler/phases/4-generate/runtime-assets.js';
import type { RuntimeConfig } from '../../../runtime-template/contract.js';
import { irisModelBytes } from '../../support/iris-project.js';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');

export const FAKE_OPENAPI = { openapi: '3.1.0', info: { title: 'iris_classifier', version: 'test' }, paths: {} };

export async function buildTestBento(config: RuntimeConfig, handlers: HandlerEntry[] = []): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bentoc-runtime-'));
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'models', 'iris.onnx'), irisModelBytes());
  writeFileSync(join(dir, 'openapi.json'), JSON.stringify(FAKE_OPENAPI));
  await bundleServer({ config, handlers, outFile: join(dir, 'server.mjs'), projectDir: REPO_ROOT });
  await copyRuntimeAssets(dir, { platform: process.platform, arch: process.arch });
  return dir;
}

export interface RunningBento {
  url: string;
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: Array<Record<string, unknown>>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts `node server.mjs --port 0` and resolves once it logs "ready" (with the port it got). */
export function startBento(dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunningBento> {
  const child = spawn(process.execPath, ['server.mjs', '--port', '0', '--host', '127.0.0.1', ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((resolveStart, rejectStart) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'ready') resolveStart({ url: `http://127.0.0.1:${entry.port}`, child, logs, exited });
      } catch {
        logs.push({ raw: line });
      }
    });
    exited.then((code) => rejectStart(new Error(`bento exited with ${code} before ready:\n${stderr}\n${JSON.stringify(logs)}`)));
  });
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    signal,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
