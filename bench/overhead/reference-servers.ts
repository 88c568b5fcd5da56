/**
 * The servers bentoc is measured against, each a process of its own: a bare fastify route answering the same
 * JSON as bentoc's iris API (the ceiling: HTTP with no model), and what a Node user writes by hand, fastify +
 * onnxruntime-node on the main thread, one model call per request: `naive` answers iris's labelled rows,
 * `naive-tensor` any one-input model's first output as nested arrays (the heavy model).
 * Run as `tsx reference-servers.ts bare|naive|naive-tensor MODEL PORT`.
 */
import Fastify from 'fastify';
import * as ort from 'onnxruntime-node';

const LABELS = ['setosa', 'versicolor', 'virginica'];
const [kind, modelPath, port] = process.argv.slice(2);

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
if (kind === 'bare') {
  const answer = [{ label: 'setosa', probabilities: { setosa: 0.99726045, versicolor: 0.0027395843, virginica: 5.716012e-13 } }];
  app.post('/predict', async () => answer);
} else {
  const session = await ort.InferenceSession.create(modelPath!, { intraOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' } } } });
  const [input] = session.inputNames;
  const [output] = session.outputNames;
  const run = async (rows: number[][]) => {
    const width = rows[0]!.length;
    const out = await session.run({ [input!]: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, width]) });
    return out[output!]!.data as Float32Array;
  };
  if (kind === 'naive') {
    app.post('/predict', async (request) => {
      const rows = request.body as number[][];
      const probabilities = await run(rows);
      return rows.map((_, r) => {
        const scores = Array.from(probabilities.subarray(r * 3, r * 3 + 3));
        const best = scores.indexOf(Math.max(...scores));
        return { label: LABELS[best], probabilities: Object.fromEntries(LABELS.map((name, i) => [name, scores[i]])) };
      });
    });
  } else {
    app.post('/predict', async (request) => {
      const rows = request.body as number[][];
      const values = await run(rows);
      const width = values.length / rows.length;
      return rows.map((_, r) => Array.from(values.subarray(r * width, (r + 1) * width)));
    });
  }
}
// Liveness for the open-loop generator's connection warm-up, as bentoc has.
app.get('/livez', async () => ({ status: 'ok' }));
await app.listen({ port: Number(port), host: '127.0.0.1' });
console.log(JSON.stringify({ msg: 'ready', port: app.server.address() && (app.server.address() as { port: number }).port }));
