/**
 * Where the server's CPU went during a load level: its main thread (HTTP, JSON, dispatcher), its busiest
 * other thread (the model worker, with one worker of one onnxruntime thread) and the rest (V8 helpers,
 * libuv pool), in % of one core, from Linux's per-thread counters in /proc. On 2 cores these share the
 * machine with the load generator, so this is the first thing to read when served throughput falls short
 * of the raw limit. Undefined off Linux.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuShares {
  serverMainPct: number;
  serverModelPct: number;
  serverOtherPct: number;
  /** The load generator process (filled in from its own report). */
  loadGeneratorPct?: number;
}

/** Clock ticks (utime + stime) used so far by each thread of `pid`. */
function readThreadTicks(pid: number): Map<number, number> | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const ticks = new Map<number, number>();
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Fields after the ")" that closes the thread name: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(Number(tid), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return ticks;
}

/** Starts counting now; `stop()` returns the shares since. */
export function startCpuSampler(serverPid: number): { stop(): CpuShares | undefined } {
  const TICKS_PER_S = 100; // USER_HZ on Linux
  const startedAt = performance.now();
  const before = readThreadTicks(serverPid);
  return {
    stop() {
      const after = readThreadTicks(serverPid);
      if (!before || !after) return undefined;
      const seconds = (performance.now() - startedAt) / 1000;
      const pct = (ticks: number) => (100 * ticks) / TICKS_PER_S / seconds;
      let main = 0;
      const others: number[] = [];
      for (const [tid, ticks] of after) {
        const used = ticks - (before.get(tid) ?? 0);
        if (tid === serverPid) main = used;
        else others.push(used);
      }
      others.sort((a, b) => b - a);
      const model = others[0] ?? 0;
      const rest = others.slice(1).reduce((sum, used) => sum + used, 0);
      return { serverMainPct: pct(main), serverModelPct: pct(model), serverOtherPct: pct(rest) };
    },
  };
}
