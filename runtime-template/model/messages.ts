/** Messages between the main thread's model pool and its worker threads. */
import type { ModelSpec, RuntimeSettings, TensorValue } from '../contract.js';

/** Marks a worker as a bento model worker, so `main.ts` can tell it apart from other workers. */
export const MODEL_WORKER_KIND = 'bento-model-worker';

export interface ModelWorkerData {
  kind: typeof MODEL_WORKER_KIND;
  /** Absolute path of the bento's `models/` folder. */
  modelsDir: string;
  models: ModelSpec[];
  threads: RuntimeSettings['threads'];
  device: RuntimeSettings['device'];
}

export type Feeds = Record<string, TensorValue>;

export type ToWorker =
  | { type: 'run'; id: number; model: string; feeds: Feeds }
  /** Sent only once nothing is in flight on this worker: release sessions, then exit. */
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; device: string; warnings: string[]; loadMs: number }
  | { type: 'load_failed'; message: string }
  | { type: 'result'; id: number; outputs: Feeds; execMs: number }
  | { type: 'run_failed'; id: number; message: string }
  | { type: 'closed' };
