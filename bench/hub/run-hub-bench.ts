/**
 * `npm run bench:hub`: push/pull MB/s and hub peak RSS for bentos of growing size (streamed: the RSS must stay
 * flat), and list latency with 10,000 versions on SQLite and PostgreSQL. Writes bench/results/hub.{md,json}.
 * `--quick` uses 20/50 MB and 2,000 versions and writes hub-quick.* (ignored by git).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../test/support/cli.js';
import { postgresUnavailable, startPostgres } from '../../test/hub/support/postgres.js';
import { measureListLatency, type LatencyRow } from './list-latency.js';
import { measureTransfer, type TransferResult } from './transfer.js';

const quick = process.argv.includes('--quick');
const sizes = quick ? [20, 50] : [50, 200];
const versions = quick ? 2_000 : 10_000;
const started = Date.now();

const home = mkdtempSync(join(tmpdir(), 'bentoc-hub-bench-iris-'));
const build = spawnSync(process.execPath, [join(repoRoot, 'bin/bentoc.mjs'), 'build', join(repoRoot, 'samples/iris/bentofile.yaml'), '--json'], { env: { ...process.env, BENTOML_HOME: home }, encoding: 'utf8' });
if (build.status !== 0) {
  rmSync(home, { recursive: true, force: true });
  throw new Error(`build the iris sample first (npm run sample:iris):\n${build.stderr}`);
}
const irisDir = JSON.parse(build.stdout).dir as string;

const transfers: TransferResult[] = [];
try {
  for (const size of sizes) {
    console.error(`transfer: ${size} MB…`);
    transfers.push(await measureTransfer(irisDir, size));
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}

const latency: LatencyRow[] = [];
console.error(`list latency: SQLite, ${versions} versions…`);
latency.push(...(await measureListLatency('SQLite', undefined, versions)));
const pgSkip = postgresUnavailable();
if (!pgSkip) {
  console.error(`list latency: PostgreSQL, ${versions} versions…`);
  const pg = await startPostgres();
  try {
    latency.push(...(await measureListLatency('PostgreSQL 15', pg.url, versions)));
  } finally {
    pg.stop();
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim()} · Node ${process.version} · load average at start ${loadavg()[0]!.toFixed(2)}`;
const md = `# Hub benchmark

Command: \`npm run bench:hub${quick ? ' -- --quick' : ''}\` · ${new Date().toISOString()} · ${machine} · ${((Date.now() - started) / 1000).toFixed(0)} s

## Push and pull over loopback

A real \`bentoc hub serve\` (SQLite, its own process) and the real CLI in two stores, on one machine. Each bento is
the iris sample plus a model file of random bytes (incompressible), so the archive is about the given size.
Push time covers hashing, announcing, 8 MiB chunks and the hub's verification (sha256 re-read, manifest read)
before the commit; pull time covers the download with hashing, the digest check and the safe import (extract,
model checksums). Export before the push is not counted. Peak RSS is the hub process's VmHWM, on a fresh hub
per size: blobs are streamed, so it does not grow with the bento.

| bento | archive | push | push MB/s | pull | pull MB/s | hub RSS idle | hub peak RSS |
|---|---|---|---|---|---|---|---|
${transfers.map((t) => `| ${t.sizeMb} MB | ${t.archiveMb.toFixed(1)} MB | ${t.pushS.toFixed(2)} s | ${t.pushMBps.toFixed(0)} | ${t.pullS.toFixed(2)} s | ${t.pullMBps.toFixed(0)} | ${t.hubIdleRssMb.toFixed(0)} MB | ${t.hubPeakRssMb.toFixed(0)} MB |`).join('\n')}

## List latency with ${versions.toLocaleString('en')} versions

One repository with ${versions.toLocaleString('en')} versions (two labels each) and 200 other repositories, queried over HTTP on a
real socket by one client, one request at a time (200 samples after 10 warm-up requests); times include the
token check, the query and JSON serialisation. Other work shares this 2-core VM: p95s and the transfer rates move
with its load (the load average is in the header).${pgSkip ? ` PostgreSQL skipped: ${pgSkip}.` : ''}

| database | query | items | p50 | p95 |
|---|---|---|---|---|
${latency.map((l) => `| ${l.database} | ${l.query} | ${l.items} | ${l.p50Ms.toFixed(2)} ms | ${l.p95Ms.toFixed(2)} ms |`).join('\n')}
`;
const name = quick ? 'hub-quick' : 'hub';
writeFileSync(join(repoRoot, 'bench/results', `${name}.md`), md);
writeFileSync(join(repoRoot, 'bench/results', `${name}.json`), `${JSON.stringify({ date: new Date().toISOString(), machine, transfers, latency }, null, 2)}\n`);
console.log(md);
