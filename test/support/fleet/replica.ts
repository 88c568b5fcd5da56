import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../bin/bentoc.mjs', import.meta.url));

export interface Replica {
  name: string;
  port: number;
  tag: string;
  logs: () => string;
  /** Resolves with the CLI's exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM as a kubelet sends it: to the main process, which forwards it to the server. */
  terminate(): void;
  /** SIGKILL to the whole process group, as when a container is killed: the CLI and its server die at once. */
  kill(): void;
}

/** `bentoc serve TAG --port PORT` in a process group of its own: a pod of the fleet. */
export function startReplica(name: string, tag: string, port: number, home: string): Replica {
  const child = spawn(process.execPath, [bin, 'serve', tag, '--port', String(port), '--host', '127.0.0.1'], {
    // GRPC_PORT=0: no gRPC; replicas would all claim the default gRPC port 8001 (EADDRINUSE).
    env: { ...process.env, BENTOML_HOME: home, NO_COLOR: '1', GRPC_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  // 'close', not 'exit': it comes after the pipes are drained, so logs() then holds the server's last lines.
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return {
    name,
    port,
    tag,
    logs: () => output,
    exited,
    terminate: () => void child.kill('SIGTERM'),
    kill: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    },
  };
}
