/** Builds a sample project with the real CLI and serves it on free ports (HTTP and gRPC). */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, serveBento, type RunningServer } from '../../support/cli.js';
import { makeTempDir } from '../../support/iris-project.js';

export interface ServedSample {
  server: RunningServer;
  grpcPort: number;
  home: string;
  stop(): Promise<void>;
}

export async function buildAndServe(project: string, tag: string): Promise<ServedSample> {
  const home = makeTempDir('home');
  const built = runCli(['build', join(project, 'bentofile.yaml')], { home });
  if (built.status !== 0) throw new Error(`build failed:\n${built.stderr}`);
  // `--port 0` picks a free gRPC port too; the "ready" line says which.
  const server = await serveBento(tag, { home });
  const ready = server.logs().split('\n').find((line) => line.includes('"msg":"ready"')) ?? '';
  const grpcPort = Number(/"grpcPort":(\d+)/.exec(ready)?.[1]);
  if (!grpcPort) throw new Error(`no grpcPort in the ready line:\n${server.logs()}`);
  return {
    server,
    grpcPort,
    home,
    stop: async () => {
      if (server.child.exitCode === null) await server.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A response's JSON, typed loosely: these tests check shapes with matchers. */
export async function jsonOf(response: Response | Promise<Response>): Promise<any> {
  return (await response).json();
}
