/**
 * The entry of every bento's `server.mjs`. The bundle is one file, so it is also the model workers' script:
 * the main thread serves HTTP, each worker thread runs models. Each side loads only its own code.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import config from 'bento:config';
import { MODEL_WORKER_KIND, type ModelWorkerData } from './model/messages.js';

if (isMainThread && process.argv[2] === 'invoke') {
  const [{ handlers }, { invokeOnce }] = await Promise.all([import('bento:handlers'), import('./serve/invoke-once.js')]);
  const argv = process.argv.slice(3);
  process.exitCode = await invokeOnce({ config, handlers, bundleUrl: new URL(import.meta.url), argv, env: process.env });
} else if (isMainThread) {
  const [{ handlers }, { startServer }] = await Promise.all([import('bento:handlers'), import('./serve/start-server.js')]);
  await startServer({ config, handlers, bundleUrl: new URL(import.meta.url), argv: process.argv.slice(2), env: process.env });
} else if ((workerData as Partial<ModelWorkerData> | null)?.kind === MODEL_WORKER_KIND) {
  const { runModelWorker } = await import('./model/run-model-worker.js');
  await runModelWorker(workerData as ModelWorkerData);
}
