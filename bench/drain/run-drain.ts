/**
 * SIGTERM under keep-alive load, N times: builds the iris sample, then per trial serves it, drives ~300
 * requests/s over 8 keep-alive connections, sends SIGTERM after 1 s and counts every request's fate.
 * `npm run bench:drain -- [trials]` prints a Markdown table; any lost answer makes it exit 1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from '../../test/support/cli.js';
import { makeProjectFrom, makeTempDir } from '../../test/support/iris-project.js';
import { runDrainTrial } from '../../test/support/drain-trial.js';

const trials = Number(process.argv[2] ?? 10);
// Everything (store, project, the servers' onnxruntime mat-debug logs) goes under one folder, removed at the end.
const root = mkdtempSync(join(tmpdir(), 'bentoc-bench-drain-'));
process.env.TMPDIR = root;
const home = makeTempDir('drain-home');
const project = makeProjectFrom(join(repoRoot, 'samples/iris'));
let lostTotal = 0;
try {
  const built = runCli(['build', join(project, 'bentofile.yaml')], { home });
  if (built.status !== 0) throw new Error(`build failed:\n${built.stderr}`);
  console.log('| trial | sent | 200 | 503 | refused before write | lost | wrong | exit | drain ms |');
  console.log('|---:|---:|---:|---:|---|---:|---:|---:|---:|');
  for (let trial = 1; trial <= trials; trial += 1) {
    const result = await runDrainTrial({ home, tag: 'iris_classifier:latest' });
    lostTotal += result.lost.length + result.wrong.length;
    const refused = Object.entries(result.refusedBeforeWrite).map(([code, n]) => `${code} ${n}`).join(', ') || '0';
    console.log(`| ${trial} | ${result.sent} | ${result.statuses[200] ?? 0} | ${result.statuses[503] ?? 0} | ${refused} | ${result.lost.length} | ${result.wrong.length} | ${result.exitCode} | ${result.drainMs} |`);
    for (const line of [...result.lost, ...result.wrong]) console.log(`  - ${line}`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
process.exitCode = lostTotal > 0 ? 1 : 0;
