/**
 * Push and pull of one large bento through the real CLI and a real hub over loopback: MB/s each way and the
 * hub's peak RSS (VmHWM), on a fresh hub per size so the peak belongs to that size alone.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { parse, stringify } from 'yaml';
import { repoRoot } from '../../test/support/cli.js';
import { startHubServer } from '../../test/hub/support/hub-server.js';

const bin = join(repoRoot, 'bin/bentoc.mjs');

export interface TransferResult {
  sizeMb: number;
  archiveMb: number;
  pushS: number;
  pullS: number;
  pushMBps: number;
  pullMBps: number;
  hubPeakRssMb: number;
  hubIdleRssMb: number;
}

function cli(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`bentoc ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

function rssMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field))!;
  return Number(/(\d+)/.exec(line)![1]) / 1024;
}

/** The iris bento from `base`, plus a model of random (incompressible) bytes so the archive is `sizeMb` big. */
async function makeLargeBento(base: string, home: string, sizeMb: number): Promise<string> {
  const manifest = parse(readFileSync(join(base, 'bento.yaml'), 'utf8')) as { name: string; version: string; models: object[] };
  const version = `bench${sizeMb}mb`;
  const dir = join(home, 'bentos', 'hub_bench', version);
  cpSync(base, dir, { recursive: true });
  const file = join(dir, 'models', 'weights.bin');
  const out = createWriteStream(file);
  const hash = createHash('sha256');
  for (let i = 0; i < sizeMb; i++) {
    const chunk = randomBytes(1024 * 1024);
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  manifest.name = 'hub_bench';
  manifest.version = version;
  manifest.models.push({ name: 'weights', file: 'models/weights.bin', sha256: hash.digest('hex'), size_bytes: sizeMb * 1024 * 1024, inputs: [], outputs: [] });
  writeFileSync(join(dir, 'bento.yaml'), stringify(manifest));
  writeFileSync(join(home, 'bentos', 'hub_bench', 'latest'), `${version}\n`);
  return `hub_bench:${version}`;
}

export async function measureTransfer(irisBentoDir: string, sizeMb: number): Promise<TransferResult> {
  const work = mkdtempSync(join(tmpdir(), 'bentoc-hub-bench-'));
  const [data, ci, prod] = ['data', 'ci', 'prod'].map((d) => join(work, d));
  for (const d of [ci, prod]) mkdirSync(d);
  let hub: Awaited<ReturnType<typeof startHubServer>> | undefined;
  try {
    const token = cli(['hub', 'token', 'create', '--admin', '--data', data!], { BENTOML_HOME: ci }).trim();
    hub = await startHubServer(['--data', data!]);
    const tag = await makeLargeBento(irisBentoDir, ci!, sizeMb);
    const env = { BENTOC_HUB_URL: hub.url, BENTOC_HUB_TOKEN: token };
    const hubIdleRssMb = rssMb(hub.child.pid!, 'VmRSS');
    const pushEvents = cli(['push', tag, '--json'], { ...env, BENTOML_HOME: ci }).trim().split('\n').map((l) => JSON.parse(l));
    const pushed = pushEvents.at(-1);
    const pullEvents = cli(['pull', tag, '--json'], { ...env, BENTOML_HOME: prod }).trim().split('\n').map((l) => JSON.parse(l));
    const pulled = pullEvents.at(-1);
    if (pushed.event !== 'done' || pulled.event !== 'done' || pulled.digest !== pushed.digest) throw new Error(`transfer failed: ${JSON.stringify([pushed, pulled])}`);
    const archiveMb = pushed.size / 1e6;
    return {
      sizeMb,
      archiveMb,
      pushS: pushed.seconds,
      pullS: pulled.seconds,
      pushMBps: archiveMb / pushed.seconds,
      pullMBps: archiveMb / pulled.seconds,
      hubPeakRssMb: rssMb(hub.child.pid!, 'VmHWM'),
      hubIdleRssMb,
    };
  } finally {
    await hub?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

