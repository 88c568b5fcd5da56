import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findFreePort } from '../../support/free-port.js';

/** Debian's PostgreSQL 15 binaries (the `postgresql` package); `.ci/run` installs it. */
const binDir = process.env.BENTOC_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface TestPostgres {
  url: string;
  stop(): void;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailable(): string | undefined {
  if (!existsSync(join(binDir, 'initdb'))) return `no PostgreSQL at ${binDir} (apt-get install postgresql)`;
  if (process.getuid?.() === 0 && spawnSync('id', ['postgres']).status !== 0) return 'running as root but there is no `postgres` user to run the server as';
  return undefined;
}

/**
 * A private cluster in a temp folder on a free loopback port (trust auth, socket in the same folder), so the
 * tests need no system service and leave nothing behind.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'bentoc-pg-'));
  const asRoot = process.getuid?.() === 0;
  // as root, initdb refuses to run: the cluster belongs to `postgres`
  if (asRoot) {
    execFileSync('chown', ['postgres:postgres', dir]);
    // The per-file TMPDIR's folders are private (0700, test/setup/): let the `postgres` user pass through them.
    for (let parent = dirname(dir); parent.includes('bentoc-tests-'); parent = dirname(parent)) chmodSync(parent, statSync(parent).mode | 0o011);
  }
  const run = (cmd: string, args: string[]) =>
    asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', join(binDir, cmd), ...args], { stdio: 'pipe' }) : execFileSync(join(binDir, cmd), args, { stdio: 'pipe' });
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await findFreePort();
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'hub']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/hub`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
