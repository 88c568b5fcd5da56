/**
 * Main-thread sessions for models too small to be worth a worker hop. onnxruntime's `run()` blocks its thread, so
 * only a model whose calls take less than the hop itself runs here (the pool decides with inline-policy.ts): iris
 * takes ~0.02 ms a call, while posting a call to a worker and back costs the main thread more than that.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { ModelSpec } from '../contract.js';
import { allocate } from '../tensors/allocate.js';
import type { Feeds } from './messages.js';
import { createSessionOptions } from './session-options.js';
import { toTensorValue } from './tensor-transfer.js';

type Ort = typeof import('onnxruntime-node');

export interface InlineSessions {
  /**
   * Loads a main-thread session for `model` and times back-to-back calls on zero-filled inputs of its signature,
   * each input's first dynamic dim at `rows` and the others at 1: the call times in ms, or undefined when the
   * model cannot load or run that way, or is plainly slower than `giveUpAboveMs` (timing blocks the event loop, so
   * it stops once three calls were all slower, or one took 50 times longer: one preempted call is not a verdict).
   */
  calibrate(model: ModelSpec, rows: number, calls: number, giveUpAboveMs: number): Promise<number[] | undefined>;
  run(model: string, feeds: Feeds): Promise<{ outputs: Feeds; execMs: number }>;
  /** Drops the session of a model that stays in the workers. */
  release(model: string): Promise<undefined>;
  close(): Promise<void>;
}

/** Calls before the timed ones: the first warm caches and allocators up. */
const WARM_UP_CALLS = 3;

export function createInlineSessions(modelsDir: string): InlineSessions {
  const sessions = new Map<string, InferenceSession>();
  let ort: Ort | undefined;

  async function run(model: string, feeds: Feeds): Promise<{ outputs: Feeds; execMs: number }> {
    const session = sessions.get(model);
    if (!session || !ort) throw new Error(`model "${model}" has no inline session`);
    const ortFeeds: Record<string, Tensor> = {};
    for (const [name, value] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(value.dtype, value.data as never, value.dims);
    // onnxruntime-node runs the call in a setImmediate callback: timing around `await run()` would add whatever
    // else the event loop does first (under load, more than the call). An immediate queued just before the call's
    // runs just before it, so this times the call alone.
    let started = performance.now();
    setImmediate(() => {
      started = performance.now();
    });
    const results = await session.run(ortFeeds);
    const execMs = performance.now() - started;
    const outputs: Feeds = {};
    for (const [name, tensor] of Object.entries(results)) outputs[name] = toTensorValue(name, tensor);
    return { outputs, execMs };
  }

  /** Drops a model's session (it stays in the workers); undefined, for `return await release(…)`. */
  async function release(model: string): Promise<undefined> {
    const session = sessions.get(model);
    sessions.delete(model);
    await session?.release().catch(() => undefined);
    return undefined;
  }

  return {
    async calibrate(model, rows, calls, giveUpAboveMs) {
      try {
        // Imported only now: a bento whose models all stay in workers never loads the binding on this thread.
        if (!ort) {
          const imported = (await import('onnxruntime-node')) as Ort & { default?: Ort };
          ort = imported.default ?? imported;
        }
        // One intra-op thread: a tiny model gains nothing from a pool, and its threads would compete with HTTP.
        const options = createSessionOptions({ provider: 'cpu', threads: 1 });
        if (!sessions.has(model.name)) sessions.set(model.name, await ort.InferenceSession.create(join(modelsDir, model.file), options));
        const times: number[] = [];
        for (let i = 0; i < WARM_UP_CALLS + calls; i += 1) {
          const { execMs } = await run(model.name, zeroFeeds(model, rows));
          if (i < WARM_UP_CALLS) continue;
          times.push(execMs);
          if (execMs > 50 * giveUpAboveMs || (times.length >= 3 && Math.min(...times) > giveUpAboveMs)) return await release(model.name);
        }
        return times;
      } catch {
        return await release(model.name);
      }
    },
    run,
    release,
    async close() {
      await Promise.all([...sessions.values()].map((session) => session.release()));
      sessions.clear();
    },
  };
}

/** Inputs of the model's signature, zero-filled (empty strings), the first dynamic dim at `rows`, the others at 1. */
function zeroFeeds(model: ModelSpec, rows: number): Feeds {
  const feeds: Feeds = {};
  for (const input of model.inputs) {
    const first = input.shape.findIndex((dim) => typeof dim !== 'number' || dim <= 0);
    const dims = input.shape.map((dim, i) => (i === first ? rows : typeof dim === 'number' && dim > 0 ? dim : 1));
    const size = dims.reduce((a, b) => a * b, 1);
    feeds[input.name] = { dtype: input.dtype, dims, data: input.dtype === 'string' ? new Array<string>(size).fill('') : allocate(input.dtype, size) };
  }
  return feeds;
}
