/**
 * A closed loop: `concurrency` requests in flight, each sent as soon as the previous one on its slot answers,
 * for `seconds`. Simple and the same for every transport; it measures capacity at that concurrency (an open
 * loop, as bench:batching uses, is the tool for latency under a given offered rate).
 */
import type { Send } from './clients.js';

export interface LoopResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

export async function runClosedLoop(send: Send, concurrency: number, seconds: number): Promise<LoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  const slot = async () => {
    while (performance.now() < until) {
      const at = performance.now();
      let ok = false;
      try {
        ok = await send();
      } catch {
        ok = false;
      }
      if (ok) latencies.push(performance.now() - at);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, slot));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
