import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainMnist, type Sample } from '../../samples/mnist/train.js';
import { repoRoot } from '../support/cli.js';
import { makeTempDir } from '../support/iris-project.js';
import { createInferenceClient, type InferenceClient } from './support/grpc-client.js';
import { buildAndServe, jsonOf, type ServedSample } from './support/serve-sample.js';

/**
 * The MNIST sample's bento, whose only API takes images: its model is still a v2 model, fed float tensors
 * [n, 1, 28, 28] straight into the image API's dispatcher. Answers are compared with direct onnxruntime calls.
 */
describe('v2 on the MNIST sample (an image API)', () => {
  const project = makeTempDir('mnist-v2');
  let served: ServedSample;
  let session: ort.InferenceSession;
  let digits: Sample[];
  let client: InferenceClient;

  beforeAll(async () => {
    // A short training run: the comparison is with the same model bytes, so accuracy does not matter here.
    const trained = trainMnist({ epochs: 1, trainPerDigit: 40, testPerDigit: 2 });
    writeFileSync(join(project, 'mnist.onnx'), trained.modelBytes);
    writeFileSync(join(project, 'bentofile.yaml'), readFileSync(join(repoRoot, 'samples/mnist/bentofile.yaml')));
    digits = trained.split.test;
    session = await ort.InferenceSession.create(trained.modelBytes);
    served = await buildAndServe(project, 'mnist_classifier:latest');
    client = createInferenceClient(served.grpcPort);
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await session?.release();
    await served?.stop();
    rmSync(project, { recursive: true, force: true });
  });

  async function direct(samples: Sample[]): Promise<number[]> {
    const pixels = new Float32Array(samples.length * 784);
    samples.forEach((sample, i) => pixels.set(sample.pixels, i * 784));
    const out = await session.run({ image: new ort.Tensor('float32', pixels, [samples.length, 1, 28, 28]) });
    return Array.from(out.probabilities!.data as Float32Array);
  }

  const infer = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${served.server.url}/v2/models/mnist/infer`, { method: 'POST', headers, body: Buffer.isBuffer(body) ? body : JSON.stringify(body) });

  it('describes the model from its signature', async () => {
    const metadata = await jsonOf(fetch(`${served.server.url}/v2/models/mnist`));
    expect(metadata.inputs).toEqual([{ name: 'image', datatype: 'FP32', shape: [-1, 1, 28, 28] }]);
    expect(metadata.outputs.map((output: { name: string }) => output.name)).toContain('probabilities');
  });

  it('infers JSON tensors equal to a direct onnxruntime call', async () => {
    const batch = digits.slice(0, 4);
    const response = await infer({ inputs: [{ name: 'image', datatype: 'FP32', shape: [4, 1, 28, 28], data: batch.flatMap((d) => Array.from(d.pixels)) }], outputs: [{ name: 'probabilities' }] });
    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    expect(body.outputs[0].shape).toEqual([4, 10]);
    expect(body.outputs[0].data.map(Math.fround)).toEqual(await direct(batch));
  });

  it('infers binary tensors over REST and raw contents over gRPC equal to a direct onnxruntime call', async () => {
    const batch = digits.slice(0, 20);
    const pixels = new Float32Array(batch.length * 784);
    batch.forEach((sample, i) => pixels.set(sample.pixels, i * 784));
    const header = Buffer.from(JSON.stringify({
      inputs: [{ name: 'image', datatype: 'FP32', shape: [20, 1, 28, 28], parameters: { binary_data_size: pixels.byteLength } }],
      outputs: [{ name: 'probabilities' }],
    }));
    const response = await infer(Buffer.concat([header, Buffer.from(pixels.buffer)]), { 'inference-header-content-length': String(header.byteLength) });
    expect(response.status).toBe(200);
    const expected = await direct(batch);
    expect((await jsonOf(response)).outputs[0].data.map(Math.fround)).toEqual(expected);

    const viaGrpc = await client.call('ModelInfer', {
      model_name: 'mnist',
      inputs: [{ name: 'image', datatype: 'FP32', shape: [20, 1, 28, 28] }],
      outputs: [{ name: 'probabilities' }],
      raw_input_contents: [Buffer.from(pixels.buffer)],
    });
    expect(Array.from(new Float32Array(new Uint8Array(viaGrpc.raw_output_contents[0]).buffer))).toEqual(expected);
  });

  it('names the tensor when the image tensor has the wrong shape', async () => {
    const response = await infer({ inputs: [{ name: 'image', datatype: 'FP32', shape: [1, 784], data: Array.from(digits[0]!.pixels) }] });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error).toContain('input "image": expected shape');
  });
});
