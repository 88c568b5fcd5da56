/**
 * The open-loop generator in a process of its own, optionally at a lower CPU priority than the server under
 * test: on a 2-core machine it otherwise takes CPU a model-bound server would have on a host of its own, and
 * the model thread is preempted mid-batch (scenarios.ts has the numbers). If the generator falls behind its schedule,
 * latency still counts from the scheduled send time, so the lag is charged to the server: the bias is
 * against the server, never for it.
 * Reads a LoadJob as JSON on stdin; prints "connected" once its connections are open, then a LoadReport as JSON.
 */
import { setPriority } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { text } from 'node:stream/consumers';
import { createConnectionPool } from './connection-pool.js';
import { runOpenLoop, type LoadOptions, type LoadResult } from './open-loop.js';

export interface LoadJob extends Omit<LoadOptions, 'connections'> {
  origin: string;
  maxConnections: number;
  /** Connections opened (and idle) before the first request. */
  warmConnections: number;
  /** Niceness of the generator's thread (0–19). */
  niceness: number;
}

export interface LoadReport extends LoadResult {
  /** This process's CPU use while sending and waiting for answers, % of one core. */
  cpuPct: number;
  /** p99 of this process's own event-loop delay (ms): how late it may have sent or noticed answers. */
  loopDelayP99Ms: number;
}

const job = JSON.parse(await text(process.stdin)) as LoadJob;
try {
  setPriority(job.niceness); // this thread only, on Linux: the one that does the work
} catch {
  // Not permitted here: run at the normal priority.
}
const connections = createConnectionPool(job.origin, job.maxConnections);
await connections.warm(job.warmConnections, '/livez');
process.stdout.write('connected\n');
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const cpuBefore = process.cpuUsage();
const startedAt = performance.now();
const result = await runOpenLoop({ ...job, connections });
const cpu = process.cpuUsage(cpuBefore);
loopDelay.disable();
const report: LoadReport = {
  ...result,
  cpuPct: (100 * (cpu.user + cpu.system)) / 1000 / (performance.now() - startedAt),
  loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
};
await connections.close();
process.stdout.write(`${JSON.stringify(report)}\n`);
