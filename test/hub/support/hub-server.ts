import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot, waitForReady } from '../../support/cli.js';

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
  const { port, logs, exited } = await waitForReady(child, 'hub');
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    logs,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
  };
}
