import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../support/cli.js';

const bin = fileURLToPath(new URL('../../../bin/bentoc.mjs', import.meta.url));

export interface RunningHub {
  url: string;
  child: ChildProcess;
  logs: () => string;
  stop(): Promise<number | null>;
}

/** `bentoc hub serve --port 0` as a user starts it, waiting for its `ready` log line to learn the port. */
export async function startHubServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningHub> {
  const child = spawn(process.execPath, [bin, 'hub', 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`hub not ready in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"port":(\d+)[^\n]*"msg":"ready"/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => fail(new Error(`hub exited with ${code}:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    logs: () => output,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
  };
}
