/**
 * One policy under test: a temp project with a generated bentofile, built by the real compiler into a temp
 * store, and the bento's own server.mjs started on a free loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { build } from '../../compiler/index.js';

export interface BentoSpec {
  service: string;
  modelPath: string;
  /** The API's input, as a bentofile writes it. */
  input: Record<string, unknown>;
  batch: Record<string, unknown>;
  runtime: { workers: number; threads: number };
  /** The API's output, as a bentofile writes it. @default {type: ndarray} */
  output?: Record<string, unknown>;
}

export interface RunningBento {
  url: string;
  pid: number;
  stop(): Promise<number | null>;
  /** The last few KB of the server's log, for a failure report. */
  logTail(): string;
}

/** Builds the bento and returns its directory. `root` holds the project and the store ($BENTOML_HOME). */
export async function buildBento(root: string, spec: BentoSpec): Promise<string> {
  const project = join(root, 'projects', spec.service);
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  try {
    linkSync(spec.modelPath, join(project, 'model.onnx')); // the heavy model is 200 MB: avoid a copy where we can
  } catch {
    copyFileSync(spec.modelPath, join(project, 'model.onnx'));
  }
  const bentofile = {
    service: spec.service,
    artifacts: [{ name: 'model', path: './model.onnx' }],
    apis: [{ name: 'predict', model: 'model', input: spec.input, output: spec.output ?? { type: 'ndarray' }, batch: spec.batch }],
    runtime: spec.runtime,
  };
  writeFileSync(join(project, 'bentofile.yaml'), stringify(bentofile));
  const { bento } = await build({ bentofile: join(project, 'bentofile.yaml'), env: { ...process.env, BENTOML_HOME: join(root, 'home') } });
  return bento.dir;
}

/** `node <bento>/server.mjs --port 0`, reading the port from its `ready` log line. */
export function startBento(bentoDir: string, env: Record<string, string> = {}): Promise<RunningBento> {
  const child: ChildProcess = spawn(process.execPath, [join(bentoDir, 'server.mjs'), '--port', '0', '--host', '127.0.0.1'], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let head = '';
  let ready = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready in 120 s:\n${head}`)), 120_000);
    const onData = (chunk: Buffer): void => {
      // Past start-up only a tail is kept: under overload the server logs every refusal.
      head = (head + chunk.toString()).slice(-8192);
      const match = !ready && /"port":(\d+)[^\n]*"msg":"ready"/.exec(head);
      if (!match) return;
      ready = true;
      clearTimeout(timer);
      resolve({
        url: `http://127.0.0.1:${match[1]}`,
        pid: child.pid!,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
        logTail: () => head,
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${head}`)));
  });
}
