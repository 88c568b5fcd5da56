/**
 * Probes GET /healthz at a fixed interval from its own process, so the load generator's busy event loop
 * cannot inflate what it measures. Usage: healthz-prober.ts <baseUrl> <durationMs> <intervalMs>;
 * prints {"latenciesMs": [...], "failures": n} as one JSON line.
 */
import { Agent, get } from 'node:http';

const [baseUrl, durationArg, intervalArg] = process.argv.slice(2);
const durationMs = Number(durationArg);
const intervalMs = Number(intervalArg);
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const latenciesMs: number[] = [];
let failures = 0;
const start = performance.now();

function probe(): Promise<void> {
  const sentAt = performance.now();
  return new Promise((resolve) => {
    const req = get(`${baseUrl}/healthz`, { agent, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) latenciesMs.push(performance.now() - sentAt);
        else failures += 1;
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      failures += 1;
      resolve();
    });
  });
}

while (performance.now() - start < durationMs) {
  const begun = performance.now();
  await probe();
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (performance.now() - begun))));
}
agent.destroy();
process.stdout.write(`${JSON.stringify({ latenciesMs, failures })}\n`);
