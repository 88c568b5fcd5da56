/**
 * Where the main thread's time goes on the request path: a bento of the iris model (CORK on, labels) under
 * closed-loop load, profiled with `--cpu-prof`; each sample's function is mapped to a part of the path through the
 * bundle's module markers. Usage: npm run bench:profile [-- --seconds 8]. Writes bench/results/overhead-profile.md.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { trainIris } from '../../samples/iris/train.js';
import { buildBento } from '../batching/bento-server.js';
import { categorize, topFunctions, type CpuProfile } from './categorize-profile.js';
import { usePrivateTmpdir } from '../batching/private-tmpdir.js';

const at = process.argv.indexOf('--seconds');
const seconds = at >= 0 ? Number(process.argv[at + 1]) : 8;
const root = mkdtempSync(join(tmpdir(), 'bentoc-profile-'));
usePrivateTmpdir(root);

try {
  const modelPath = join(root, 'iris.onnx');
  writeFileSync(modelPath, trainIris().modelBytes);
  const dir = await buildBento(root, {
    service: 'profile',
    modelPath,
    input: { type: 'ndarray', dtype: 'float32', shape: [-1, 4] },
    output: { type: 'json', labels: ['setosa', 'versicolor', 'virginica'] },
    batch: { enabled: true, max_latency_ms: 1000 },
    runtime: { workers: 1, threads: 1 },
  });
  const profiles = join(root, 'profiles');
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profiles}`, join(dir, 'server.mjs'), '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const logSays = async (pattern: RegExp, waitMs: number): Promise<RegExpExecArray | null> => {
    for (const started = Date.now(); Date.now() - started < waitMs; await new Promise((wake) => setTimeout(wake, 50))) {
      const match = pattern.exec(log);
      if (match) return match;
    }
    return null;
  };
  const ready = await logSays(/"port":(\d+)[^\n]*"msg":"ready"/, 60_000);
  if (!ready) throw new Error(`server not ready:\n${log}`);
  const port = Number(ready[1]);
  // The model moves to the main thread once timed after start-up: profile what serves, not the worker it starts in.
  const inline = Boolean(await logSays(/model runs on the main thread/, 5_000));
  const result = await autocannon({ url: `http://127.0.0.1:${port}/predict`, method: 'POST', headers: { 'content-type': 'application/json' }, body: '[[5.1,3.5,1.4,0.2]]', connections: 50, duration: seconds });
  child.kill('SIGTERM');
  await exited;
  // The main thread's profile is the first one Node writes (thread 0); the model worker's is the other.
  const main = readdirSync(profiles).filter((name) => name.endsWith('.cpuprofile')).sort()[0]!;
  const profile = JSON.parse(readFileSync(join(profiles, main), 'utf8')) as CpuProfile;
  const bundle = readFileSync(join(dir, 'server.mjs'), 'utf8');
  const rows = categorize(profile, bundle);
  const functions = topFunctions(profile, bundle, 25);
  const report = [
    '# Where a request\'s main-thread time goes (iris, CORK on, one row per request)',
    '',
    `Command: \`npm run bench:profile\` · ${new Date().toISOString()} · Node ${process.version} · load average at start ${loadavg()[0]!.toFixed(2)} · ${Math.round(result.requests.average)} req/s under autocannon (50 connections, ${seconds} s, same machine)`,
    '',
    'Self time of the server\'s main thread by part of the request path (`--cpu-prof`; bundle functions mapped to their',
    `source module through esbuild's module markers). ${inline ? 'The model ran on the main thread (inline placement).' : 'The model stayed in its worker thread, left out here.'}`,
    '',
    '| where | share of main-thread time |',
    '| --- | ---: |',
    ...rows.map(([where, share]) => `| ${where} | ${(100 * share).toFixed(1)}% |`),
    '',
    'The functions with the most self time (bundled ones named by their source module):',
    '',
    '| function · module | share |',
    '| --- | ---: |',
    ...functions.map(([where, share]) => `| ${where.replaceAll('|', '\\|')} | ${(100 * share).toFixed(1)}% |`),
    '',
  ].join('\n');
  writeFileSync(fileURLToPath(new URL('../results/overhead-profile.md', import.meta.url)), report);
  console.log(report);
} finally {
  rmSync(root, { recursive: true, force: true });
}
