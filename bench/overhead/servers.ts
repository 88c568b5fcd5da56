/** The servers bench:overhead compares, each started in a process of its own on a free loopback port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBento, startBento, type BentoSpec } from '../batching/bento-server.js';

export interface Server {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<unknown>;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/** A reference server from reference-servers.ts. */
export async function startReference(kind: 'bare' | 'naive' | 'naive-tensor', modelPath: string, name: string): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(here, 'reference-servers.ts'), kind, modelPath, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /"port":(\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { name, url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => (child.kill('SIGTERM'), exited) };
}

/** A bento built by the real compiler under `root` and served by its own server.mjs. */
export async function startBentoc(root: string, name: string, spec: BentoSpec, env: Record<string, string> = {}): Promise<Server> {
  const dir = await buildBento(join(root, name.replace(/\W+/g, '_')), spec);
  const bento = await startBento(dir, env);
  return { name, url: bento.url, pid: bento.pid, stop: () => bento.stop() };
}
