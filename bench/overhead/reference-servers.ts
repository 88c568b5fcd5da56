/**
 * The two references bentoc is measured against, each a process of its own: a bare fastify route answering
 * the same JSON as bentoc's iris API (the ceiling: HTTP with no model), and what a Node user writes by hand,
 * fastify + onnxruntime-node on the main thread. Run as `tsx reference-servers.ts bare|naive MODEL PORT`.
 */
import Fastify from 'fastify';
import * as ort from 'onnxruntime-node';

const LABELS = ['setosa', 'versicolor', 'virginica'];
const [kind, modelPath, port] = process.argv.slice(2);

const app = Fastify({ logger: false });
if (kind === 'bare') {
  const answer = [{ label: 'setosa', probabilities: { setosa: 0.99726045, versicolor: 0.0027395843, virginica: 5.716012e-13 } }];
  app.post('/predict', async () => answer);
} else {
  const session = await ort.InferenceSession.create(modelPath!, { intraOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' } } } });
  app.post('/predict', async (request) => {
    const rows = request.body as number[][];
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]) });
    const probabilities = out.probabilities!.data as Float32Array;
    return rows.map((_, r) => {
      const scores = Array.from(probabilities.subarray(r * 3, r * 3 + 3));
      const best = scores.indexOf(Math.max(...scores));
      return { label: LABELS[best], probabilities: Object.fromEntries(LABELS.map((name, i) => [name, scores[i]])) };
    });
  });
}
await app.listen({ port: Number(port), host: '127.0.0.1' });
console.log(JSON.stringify({ msg: 'ready', port: app.server.address() && (app.server.address() as { port: number }).port }));
