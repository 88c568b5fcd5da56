/**
 * `npm run bench:overhead`: what bentoc costs per request against what a Node user would write, in one run —
 * a tiny model under closed-loop load (tiny-closed-loop.ts) and a heavy one under open-loop light load and
 * overload (heavy-open-loop.ts). Writes bench/results/overhead.md.
 * Usage: npm run bench:overhead [-- --part tiny|heavy --rounds 3 --seconds 8 --connections 50 --servers bare,cork].
 * A run narrowed with --part or --servers (tiny ids: bare, naive, direct, cork, worker) writes overhead-only.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHeavyOpenLoop } from './heavy-open-loop.js';
import { runTinyClosedLoop } from './tiny-closed-loop.js';
import { usePrivateTmpdir } from '../batching/private-tmpdir.js';

const arg = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const part = arg('part');
const only = arg('servers')?.split(',');
const rounds = Number(arg('rounds') ?? 3);
const log = (line: string) => process.stderr.write(`${line}\n`);

const started = Date.now();
const loadAtStart = loadavg()[0]!;
const root = mkdtempSync(join(tmpdir(), 'bentoc-overhead-'));
usePrivateTmpdir(root);
const sections: string[] = [];
try {
  if (part !== 'heavy') {
    sections.push(await runTinyClosedLoop({ root, rounds, seconds: Number(arg('seconds') ?? 8), connections: Number(arg('connections') ?? 50), only, log }));
  }
  if (part !== 'tiny' && !only) sections.push(await runHeavyOpenLoop({ root, rounds, seconds: Number(arg('seconds') ?? 8), log }));
} finally {
  rmSync(root, { recursive: true, force: true });
}
const report = [
  '# Per-request overhead',
  '',
  `Command: \`npm run bench:overhead\` · ${new Date().toISOString()} · ${availableParallelism()} × ${cpus()[0]?.model.trim()} · Node ${process.version} · load average at start ${loadAtStart.toFixed(2)} · ${Math.round((Date.now() - started) / 1000)} s`,
  '',
  ...sections,
].join('\n');
writeFileSync(fileURLToPath(new URL(`../results/overhead${part || only ? '-only' : ''}.md`, import.meta.url)), report);
console.log(report);
