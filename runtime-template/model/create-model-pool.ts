/**
 * A fixed pool of model worker threads. Each worker holds a session for every model and runs one call at a time;
 * calls wait in one FIFO queue here, so a slow call never strands work behind it on a busy worker. A model whose
 * calls cost less than the hop to a worker moves to a session on this thread (inline-policy.ts).
 */
import { Worker } from 'node:worker_threads';
import type { ModelSpec, RuntimeSettings } from '../contract.js';
import { MODEL_WORKER_KIND, type Feeds, type FromWorker, type ModelWorkerData, type ToWorker } from './messages.js';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { INLINE_BREAK_EVEN_MS, INLINE_MAX_FILE_BYTES, isInlineWorthy, LARGE_BATCH_BOUND_MS, LARGE_BATCH_ROWS, quantile } from './inline-policy.js';
import { createInlineSessions } from './inline-sessions.js';
import { collectTransferables } from './tensor-transfer.js';

export interface ModelRunResult {
  outputs: Feeds;
  /** Time spent inside onnxruntime's `run()`, in ms. */
  execMs: number;
}

export interface ModelPool {
  /** Resolves once every worker has loaded every model; rejects if one could not. */
  readonly ready: Promise<void>;
  isReady(): boolean;
  /** `transfer` moves the feeds' buffers to the worker: only for buffers nobody reads afterwards. */
  run(model: string, feeds: Feeds, options?: { transfer?: boolean }): Promise<ModelRunResult>;
  /** Refuses new calls, waits for queued and in-flight ones, releases the sessions and lets the workers exit. */
  close(): Promise<void>;
}

export interface ModelPoolOptions {
  /** The file the workers run: the bundle itself (see main.ts). */
  workerUrl: URL;
  modelsDir: string;
  models: ModelSpec[];
  runtime: Pick<RuntimeSettings, 'workers' | 'threads' | 'device'>;
  onWarning?: (message: string) => void;
  onWorkerReady?: (info: { worker: number; device: string; loadMs: number }) => void;
  onExecuted?: (model: string, execMs: number) => void;
  /**
   * `auto`: models timed cheaper than a worker hop run on this thread; `never`: every model stays in the workers;
   * `always`: every model that loads here runs here (tests of this path). @default 'auto'
   */
  inline?: 'auto' | 'never' | 'always';
  /** A model now runs on this thread (timed cheaper than a worker hop); `oneRowMs`: its lower-quartile call. */
  onInline?: (model: string, oneRowMs: number) => void;
}

interface Call {
  id: number;
  model: string;
  feeds: Feeds;
  transfer: boolean;
  resolve: (result: ModelRunResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  index: number;
  worker: Worker;
  loaded: boolean;
  exited: boolean;
  call: Call | undefined;
}

export function createModelPool(options: ModelPoolOptions): ModelPool {
  const { models, runtime } = options;
  const queue: Call[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let closing = false;
  let loaded = models.length === 0;
  let loadError: Error | undefined;
  let idleWaiters: Array<() => void> = [];
  const inline = createInlineSessions(options.modelsDir);
  const inlineModels = new Set<string>(); // models whose calls run on this thread now
  let inlineRunning = 0;
  let cpuOnly = true; // GPU calls are never moved: they are not the microsecond calls this is for
  let placing: Promise<void> = Promise.resolve();

  const workerData: ModelWorkerData = {
    kind: MODEL_WORKER_KIND,
    modelsDir: options.modelsDir,
    models,
    threads: runtime.threads,
    device: runtime.device,
  };

  const workerCount = models.length === 0 ? 0 : Math.max(1, runtime.workers);
  const ready = Promise.all(Array.from({ length: workerCount }, (_, index) => spawn(index))).then(
    () => {
      loaded = true;
      pump();
      if (options.inline !== 'never' && cpuOnly) placing = placeInline(options.inline === 'always');
    },
    (error: Error) => {
      loadError = error;
      queue.splice(0).forEach((call) => call.reject(error));
      pump();
      throw error;
    },
  );
  // Callers observe `ready`; this keeps a load failure from also surfacing as an unhandled rejection.
  ready.catch(() => undefined);

  function spawn(index: number): Promise<void> {
    return new Promise((resolveLoad, rejectLoad) => {
      const worker = new Worker(options.workerUrl, { workerData, name: `model-worker-${index}` });
      const slot: Slot = { index, worker, loaded: false, exited: false, call: undefined };
      slots[index] = slot;
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'ready':
            slot.loaded = true;
            if (message.device !== 'cpu') cpuOnly = false;
            message.warnings.forEach((warning) => options.onWarning?.(warning));
            options.onWorkerReady?.({ worker: index, device: message.device, loadMs: message.loadMs });
            resolveLoad();
            pump();
            return;
          case 'load_failed':
            rejectLoad(new Error(`model worker ${index} could not load the models: ${message.message}`));
            return;
          case 'result': {
            const call = finish(slot);
            if (call) options.onExecuted?.(call.model, message.execMs);
            call?.resolve({ outputs: message.outputs, execMs: message.execMs });
            return;
          }
          case 'run_failed':
            finish(slot)?.reject(new Error(message.message));
            return;
          case 'closed':
            return;
        }
      });
      worker.on('error', (error) => {
        rejectLoad(error);
        finish(slot)?.reject(error);
      });
      worker.on('exit', (code) => {
        slot.exited = true;
        rejectLoad(new Error(`model worker ${index} exited with code ${code} while loading`));
        finish(slot)?.reject(new Error(`model worker ${index} exited with code ${code}`));
        // A worker lost while serving is replaced; one lost while loading already failed `ready`.
        if (!closing && slot.loaded) {
          options.onWarning?.(`model worker ${index} exited with code ${code}; starting a new one`);
          spawn(index).catch((error) => options.onWarning?.(`restarting model worker ${index} failed: ${error}`));
        }
      });
    });
  }

  function finish(slot: Slot): Call | undefined {
    const call = slot.call;
    slot.call = undefined;
    queueMicrotask(pump);
    return call;
  }

  /** Times each small model on this thread, once, and moves the ones cheaper than a hop here (inline-policy.ts). */
  async function placeInline(always: boolean): Promise<void> {
    for (const model of models) {
      if (closing || (!always && fileSize(model) > INLINE_MAX_FILE_BYTES)) continue;
      if (always) {
        const times = await inline.calibrate(model, 1, 1, Number.POSITIVE_INFINITY);
        if (!times) continue;
        inlineModels.add(model.name);
        options.onInline?.(model.name, quantile(times, 0.25));
        continue;
      }
      // Timing blocks the event loop: give up on a call 20× the break-even, and time a large batch only for a model
      // that passed at one row.
      const oneRow = await inline.calibrate(model, 1, 21, 20 * INLINE_BREAK_EVEN_MS);
      const largeBatch = oneRow && isInlineWorthy(oneRow, [0]) ? await inline.calibrate(model, LARGE_BATCH_ROWS, 3, 2 * LARGE_BATCH_BOUND_MS) : undefined;
      if (closing || !oneRow || !largeBatch || !isInlineWorthy(oneRow, largeBatch)) {
        await inline.release(model.name);
        continue;
      }
      inlineModels.add(model.name);
      options.onInline?.(model.name, quantile(oneRow, 0.25));
    }
  }

  function fileSize(model: ModelSpec): number {
    try {
      return statSync(join(options.modelsDir, model.file)).size;
    } catch {
      return Number.POSITIVE_INFINITY;
    }
  }

  async function runInline(model: string, feeds: Feeds): Promise<ModelRunResult> {
    inlineRunning += 1;
    try {
      const result = await inline.run(model, feeds);
      options.onExecuted?.(model, result.execMs);
      return result;
    } catch (error) {
      throw new Error(error instanceof Error ? error.message : String(error));
    } finally {
      inlineRunning -= 1;
      pump();
    }
  }

  function pump(): void {
    if (loaded) {
      for (const slot of slots) {
        if (queue.length === 0) break;
        if (!slot?.loaded || slot.call) continue;
        const call = queue.shift()!;
        slot.call = call;
        const message: ToWorker = { type: 'run', id: call.id, model: call.model, feeds: call.feeds };
        slot.worker.postMessage(message, call.transfer ? collectTransferables(call.feeds) : []);
      }
    }
    if (queue.length === 0 && inlineRunning === 0 && slots.every((slot) => !slot?.call)) {
      const waiters = idleWaiters;
      idleWaiters = [];
      waiters.forEach((wake) => wake());
    }
  }

  return {
    ready,
    isReady: () => loaded,
    run(model, feeds, runOptions) {
      if (loadError) return Promise.reject(loadError);
      if (closing) return Promise.reject(new Error('the model pool is closing'));
      if (inlineModels.has(model)) return runInline(model, feeds);
      return new Promise((resolve, reject) => {
        queue.push({ id: nextId++, model, feeds, transfer: runOptions?.transfer ?? false, resolve, reject });
        pump();
      });
    },
    async close() {
      closing = true;
      await ready.catch(() => undefined);
      await new Promise<void>((wake) => {
        idleWaiters.push(wake);
        pump();
      });
      await placing;
      await inline.close();
      await Promise.all(
        slots.filter((slot) => !slot.exited).map(
          (slot) =>
            new Promise<void>((exited) => {
              slot.worker.once('exit', () => exited());
              slot.worker.postMessage({ type: 'close' } satisfies ToWorker);
            }),
        ),
      );
    },
  };
}
