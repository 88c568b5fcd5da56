/**
 * Debian's haproxy in front of bento replicas, configured as a Kubernetes Service plus a careful ingress would be:
 * only servers whose /readyz answers 200 get traffic, and a request that hits a replica that is going away
 * (refused connection, connection closed without an answer, 503 while draining) is retried on another one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { findFreePort } from '../free-port.js';

export interface Balancer {
  url: string;
  /** Each server's state as haproxy's health checks see it: UP, DOWN, MAINT, or a transition like "UP 1/2". */
  states(): Promise<Record<string, string>>;
  logs: () => string;
  stop(): Promise<void>;
}

export function findHaproxy(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

export async function startHaproxy(binary: string, dir: string, servers: { name: string; port: number }[]): Promise<Balancer> {
  const port = await findFreePort();
  const socket = join(dir, 'haproxy.sock');
  const config = [
    'global',
    `  stats socket ${socket} mode 600 level admin`,
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout check 1s',
    // A request that met a replica on its way out goes to another one, up to 3 times.
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response response-timeout 503',
    `frontend fe`,
    `  bind 127.0.0.1:${port}`,
    '  default_backend replicas',
    'backend replicas',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    // Probe every 200 ms: 2 failures take a server out, 2 successes put it in (a readinessProbe, faster).
    '  default-server inter 200ms fall 2 rise 2',
    '  http-response set-header X-Served-By %[srv_name]',
    ...servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port} check`),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'haproxy.cfg'), config);
  const child = spawn(binary, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const balancer: Balancer = {
    url: `http://127.0.0.1:${port}`,
    states: async () => parseStates(await askSocket(socket, 'show stat')),
    logs: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (await balancer.states().then(() => true, () => false)) return balancer;
    if (child.exitCode !== null || Date.now() > deadline) {
      await balancer.stop();
      throw new Error(`haproxy did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function askSocket(path: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const conn = createConnection(path, () => conn.end(`${command}\n`));
    conn.on('data', (c: Buffer) => (text += c.toString()));
    conn.on('end', () => resolve(text));
    conn.on('error', reject);
  });
}

/** `show stat` CSV: pxname,svname,…,status,… → {server: status} for the backend's servers. */
function parseStates(csv: string): Record<string, string> {
  const [header, ...rows] = csv.trim().split('\n');
  const columns = header!.replace(/^# /, '').split(',');
  const [px, sv, status] = ['pxname', 'svname', 'status'].map((c) => columns.indexOf(c));
  const states: Record<string, string> = {};
  for (const row of rows) {
    const cells = row.split(',');
    if (cells[px!] === 'replicas' && !['BACKEND', 'FRONTEND'].includes(cells[sv!]!)) states[cells[sv!]!] = cells[status!]!;
  }
  return states;
}
