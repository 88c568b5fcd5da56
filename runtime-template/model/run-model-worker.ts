/**
 * The model loop inside one worker thread: load a session per model, then run calls one at a time.
 * onnxruntime's `run()` blocks its thread, which is why this lives off the HTTP event loop.
 */
import { parentPort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Feeds, FromWorker, ModelWorkerData, ToWorker } from './messages.js';
import { createSessionOptions, isCudaProviderInstalled, listProviderCandidates } from './session-options.js';
import { collectTransferables, toTensorValue } from './tensor-transfer.js';

type Ort = typeof import('onnxruntime-node');

export async function runModelWorker(data: ModelWorkerData): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('runModelWorker must run inside a worker thread');
  const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

  // Loaded lazily so the main thread, which shares this bundle, never loads the native binding.
  const imported = (await import('onnxruntime-node')) as Ort & { default?: Ort };
  const ort = imported.default ?? imported;

  const started = performance.now();
  let sessions: Map<string, InferenceSession>;
  let provider: string;
  const warnings: string[] = [];
  try {
    ({ sessions, provider } = await loadSessions(ort, data, warnings));
  } catch (error) {
    post({ type: 'load_failed', message: describe(error) });
    port.close();
    return;
  }
  post({ type: 'ready', device: provider, warnings, loadMs: performance.now() - started });

  // Messages are handled strictly in order: a close never overtakes a run.
  let queue = Promise.resolve();
  port.on('message', (message: ToWorker) => {
    queue = queue.then(() => handleMessage(message));
  });

  async function handleMessage(message: ToWorker): Promise<void> {
    if (message.type === 'close') {
      await Promise.all([...sessions.values()].map((session) => session.release()));
      post({ type: 'closed' });
      port!.close();
      return;
    }
    const session = sessions.get(message.model);
    if (!session) {
      post({ type: 'run_failed', id: message.id, message: `unknown model "${message.model}"` });
      return;
    }
    try {
      const feeds = toOrtFeeds(ort, message.feeds);
      const t0 = performance.now();
      const results = await session.run(feeds);
      const execMs = performance.now() - t0;
      const outputs: Feeds = {};
      for (const [name, tensor] of Object.entries(results)) outputs[name] = toTensorValue(name, tensor);
      post({ type: 'result', id: message.id, outputs, execMs }, collectTransferables(outputs));
    } catch (error) {
      post({ type: 'run_failed', id: message.id, message: describe(error) });
    }
  }
}

async function loadSessions(ort: Ort, data: ModelWorkerData, warnings: string[]) {
  const candidates = listProviderCandidates(data.device, isCudaProviderInstalled(findBindingDir()));
  for (const [index, provider] of candidates.entries()) {
    const sessions = new Map<string, InferenceSession>();
    try {
      for (const model of data.models) {
        const options = createSessionOptions({ provider, threads: data.threads });
        sessions.set(model.name, await ort.InferenceSession.create(join(data.modelsDir, model.file), options));
      }
      return { sessions, provider };
    } catch (error) {
      await Promise.all([...sessions.values()].map((session) => session.release()));
      if (index === candidates.length - 1) throw error;
      const next = candidates[index + 1];
      warnings.push(`device ${provider} unavailable (${firstLine(error)}); falling back to ${next}`);
    }
  }
  throw new Error('no execution provider to try');
}

function toOrtFeeds(ort: Ort, feeds: Feeds): Record<string, Tensor> {
  const result: Record<string, Tensor> = {};
  for (const [name, value] of Object.entries(feeds)) {
    result[name] = new ort.Tensor(value.dtype, value.data as never, value.dims);
  }
  return result;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(error: unknown): string {
  return describe(error).split('\n')[0]!.slice(0, 200);
}

/** Where onnxruntime-node's native binding (and any provider libraries beside it) lives on this platform. */
function findBindingDir(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  return join(packageDir, 'bin', 'napi-v6', process.platform, process.arch);
}
