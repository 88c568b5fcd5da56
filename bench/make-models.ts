// Writes bench/models/mlp-heavy.onnx, an MLP big enough that batching visibly pays off on a CPU
// (784→4096→4096→4096→4096→10, ~214 MB of float32 weights), then times it with onnxruntime-node.
// Usage: npm run bench:models [-- --no-measure | --measure-only]
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import {
  createFloatTensor,
  createGraphBuilder,
  describeTensor,
  isMainModule,
  saveModel,
  type ModelProto,
} from '../samples/lib/onnx-builder.js';
import { createRng } from '../samples/lib/random.js';

export const HEAVY_LAYERS = [784, 4096, 4096, 4096, 4096, 10] as const;

/** Seeded He-initialised weights: the values are meaningless, only the cost of the graph matters. */
export function buildHeavyMlp(layers: readonly number[] = HEAVY_LAYERS, seed = 2024): ModelProto {
  const rng = createRng(seed);
  const g = createGraphBuilder();
  let x = 'input';
  for (let l = 0; l + 1 < layers.length; l++) {
    const [fanIn, fanOut] = [layers[l]!, layers[l + 1]!];
    const std = Math.sqrt(2 / fanIn);
    const w = new Float32Array(fanIn * fanOut);
    for (let k = 0; k < w.length; k++) w[k] = rng.normal() * std;
    const weight = g.addInitializer(createFloatTensor(`fc${l + 1}.weight`, [fanOut, fanIn], w));
    const bias = g.addInitializer(createFloatTensor(`fc${l + 1}.bias`, [fanOut], new Float32Array(fanOut)));
    x = g.gemm(x, weight, bias);
    if (l + 2 < layers.length) x = g.relu(x);
  }
  g.softmax(x, 'probabilities');
  const inputs = layers[0]!;
  const outputs = layers[layers.length - 1]!;
  return g.buildModel({
    name: 'mlp_heavy',
    docString: `Benchmark MLP ${layers.join('→')} with seeded random weights (He init)`,
    inputs: [describeTensor('input', 'float32', ['batch', inputs])],
    outputs: [describeTensor('probabilities', 'float32', ['batch', outputs])],
  });
}

export interface Timing {
  batch: number;
  calls: number;
  msPerCall: number;
  msPerRow: number;
  rowsPerSecond: number;
}

/** Mean time per `run()` at each batch size, after warm-up, on the CPU with a fixed thread count. */
export async function measureModel(path: string, batches: readonly number[], threads = 2): Promise<Timing[]> {
  const session = await ort.InferenceSession.create(path, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    // Idle pool threads otherwise spin and steal a core from the timing loop.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const features = HEAVY_LAYERS[0];
  const rng = createRng(7);
  const timings: Timing[] = [];
  try {
    for (const batch of batches) {
      const data = Float32Array.from({ length: batch * features }, () => rng.uniform());
      const feeds = { input: new ort.Tensor('float32', data, [batch, features]) };
      for (let i = 0; i < 3; i++) await session.run(feeds);
      // At least 5 calls and about a second per batch size, so the slow large batches still average.
      let calls = 0;
      const start = performance.now();
      while (calls < 5 || performance.now() - start < 1000) {
        await session.run(feeds);
        calls++;
      }
      const msPerCall = (performance.now() - start) / calls;
      timings.push({ batch, calls, msPerCall, msPerRow: msPerCall / batch, rowsPerSecond: (1000 * batch) / msPerCall });
    }
  } finally {
    await session.release();
  }
  return timings;
}

function formatTable(timings: Timing[]): string {
  const header = ['batch', 'calls', 'ms/call', 'ms/row', 'rows/s', 'per-row vs batch 1'];
  const base = timings[0]!.msPerRow;
  const rows = timings.map((t) => [
    String(t.batch),
    String(t.calls),
    t.msPerCall.toFixed(2),
    t.msPerRow.toFixed(3),
    Math.round(t.rowsPerSecond).toString(),
    `${(base / t.msPerRow).toFixed(1)}× cheaper`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c]!)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

if (isMainModule(import.meta.url)) {
  const path = fileURLToPath(new URL('./models/mlp-heavy.onnx', import.meta.url));
  // --measure-only re-times an existing file (generation takes ~10 s).
  if (!process.argv.includes('--measure-only')) {
    const started = performance.now();
    const bytes = saveModel(path, buildHeavyMlp());
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`wrote ${path}: ${(bytes / 2 ** 20).toFixed(1)} MiB (${bytes} bytes) in ${seconds} s`);
  } else {
    console.log(`timing ${path}: ${(statSync(path).size / 2 ** 20).toFixed(1)} MiB`);
  }

  if (!process.argv.includes('--no-measure')) {
    const started = performance.now();
    const timings = await measureModel(path, [1, 8, 32, 128, 512]);
    console.log(`\nonnxruntime-node ${ort.env.versions.common}, CPU, 2 intra-op threads, no spinning:`);
    console.log(formatTable(timings));
    console.log(`(measured in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}
