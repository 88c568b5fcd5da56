/**
 * The break-even behind model/inline-policy.ts: what one call costs through a worker thread (post the feeds, run,
 * post the outputs back) against the same call on the calling thread, for iris at batch 1 and a few larger models.
 * Sequential calls, medians of 2,000. Usage: npx tsx bench/overhead/hop-cost.ts
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { buildHeavyMlp } from '../make-models.js';
import { encodeModel } from '../../samples/lib/onnx-builder.js';
import { trainIris } from '../../samples/iris/train.js';

const CALLS = 2000;
const options = { intraOpNumThreads: 1, interOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' } } } };

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(${JSON.stringify(require_resolve())});
ort.InferenceSession.create(Buffer.from(workerData.model), workerData.options).then((session) => {
  parentPort.postMessage('ready');
  parentPort.on('message', async ({ data, dims }) => {
    const out = await session.run({ input: new ort.Tensor('float32', data, dims) });
    const first = Object.values(out)[0];
    parentPort.postMessage({ data: first.data, dims: first.dims });
  });
});`;

function require_resolve(): string {
  return new URL('../../node_modules/onnxruntime-node/dist/index.js', import.meta.url).pathname;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measure(name: string, model: Uint8Array, features: number): Promise<string> {
  const session = await ort.InferenceSession.create(model, options);
  const input = () => new Float32Array(features).fill(0.5);
  const inline: number[] = [];
  for (let i = 0; i < CALLS; i += 1) {
    const started = performance.now();
    await session.run({ input: new ort.Tensor('float32', input(), [1, features]) });
    inline.push(performance.now() - started);
  }
  const worker = new Worker(workerSource, { eval: true, workerData: { model, options } });
  await new Promise((resolve) => worker.once('message', resolve));
  const hop: number[] = [];
  for (let i = 0; i < CALLS; i += 1) {
    const data = input();
    const started = performance.now();
    worker.postMessage({ data, dims: [1, features] }, [data.buffer]);
    await new Promise((resolve) => worker.once('message', resolve));
    hop.push(performance.now() - started);
  }
  await worker.terminate();
  const [a, b] = [median(inline), median(hop)];
  return `| ${name} | ${a.toFixed(3)} | ${b.toFixed(3)} | ${(b - a).toFixed(3)} |`;
}

const rows = [
  await measure('iris (4 → 3)', trainIris().modelBytes, 4),
  await measure('MLP 784 → 64 → 10', encodeModel(buildHeavyMlp([784, 64, 10], 1)), 784),
  await measure('MLP 784 → 512 → 512 → 10', encodeModel(buildHeavyMlp([784, 512, 512, 10], 1)), 784),
];
console.log(['| model, batch 1 | on the calling thread, ms | through a worker, ms | the hop, ms |', '| --- | ---: | ---: | ---: |', ...rows].join('\n'));
