/**
 * v2 REST, v2 gRPC and the API's own route share one dispatcher: requests queued behind a busy model worker go
 * out together in the next batch, and each gets its own rows back. The pool is a gated stand-in (so the queue
 * is filled deterministically); the gRPC server and client are real. The same path with the real model is
 * covered by the e2e files beside this one.
 */
import { status } from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { TensorValue } from '../../runtime-template/contract.js';
import type { Dispatcher } from '../../runtime-template/batching/dispatcher.js';
import { createApiDispatcher, type CreateDispatcher } from '../../runtime-template/execution/create-api-dispatcher.js';
import { buildApp } from '../../runtime-template/http/build-app.js';
import { createMetrics } from '../../runtime-template/metrics/create-metrics.js';
import type { ModelPool } from '../../runtime-template/model/create-model-pool.js';
import { startGrpcServer, type RunningGrpcServer } from '../../runtime-template/v2/grpc-server.js';
import { createIrisApi, createIrisConfig } from '../runtime/support/iris-config.js';
import { waitFor } from '../support/wait-for.js';
import { createInferenceClient, failureOf, float32Bytes, PROTO_PATH, type InferenceClient } from './support/grpc-client.js';

type Feeds = Record<string, TensorValue>;

/** Model stand-in: probabilities = the first three features × 2, label = the fourth; the first call waits for `open`. */
function createGatedPool() {
  const calls: Feeds[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const pool: ModelPool = {
    ready: Promise.resolve(),
    isReady: () => true,
    async run(_model, feeds) {
      calls.push(feeds);
      if (calls.length === 1) await gate;
      const input = feeds.input!.data as Float32Array;
      const rows = feeds.input!.dims[0]!;
      const probabilities = Float32Array.from({ length: rows * 3 }, (_, i) => input[Math.floor(i / 3) * 4 + (i % 3)]! * 2);
      const label = BigInt64Array.from({ length: rows }, (_, row) => BigInt(input[row * 4 + 3]!));
      return { outputs: { probabilities: { dtype: 'float32', dims: [rows, 3], data: probabilities }, label: { dtype: 'int64', dims: [rows], data: label } }, execMs: 1 };
    },
    close: async () => undefined,
  };
  return { pool, calls, open };
}

const row = (seed: number) => [seed, seed + 0.5, seed + 0.25, seed % 3];

describe('v2 and native requests in one dispatcher', () => {
  let app: FastifyInstance | undefined;
  let grpc: RunningGrpcServer | undefined;
  let client: InferenceClient | undefined;
  afterEach(async () => {
    client?.close();
    await grpc?.drain();
    await app?.close();
  });

  async function start() {
    const gated = createGatedPool();
    let submitted = 0;
    // Counts submissions, so the test knows every request is queued before the model is released.
    const counting: CreateDispatcher = (api, execute, options) => {
      const inner = createApiDispatcher(api, execute, options) as Dispatcher<unknown, unknown>;
      return { ...inner, submit: (...args: Parameters<typeof inner.submit>) => (submitted++, inner.submit(...args)) } as never;
    };
    const config = createIrisConfig({ apis: [createIrisApi({ output: { type: 'ndarray' }, batch: { enabled: true, maxBatchSize: 100, maxLatencyMs: 30_000 } })] });
    const metrics = createMetrics({ defaultMetrics: false });
    app = buildApp(config, gated.pool, { bentoDir: '/nonexistent', metrics, createDispatcher: counting });
    await app.ready();
    grpc = await startGrpcServer({ service: app.inference, protoPath: PROTO_PATH, host: '127.0.0.1', port: 0, requestTimeoutMs: 30_000, bodyLimitBytes: 1 << 20, metrics });
    client = createInferenceClient(grpc.port);
    const queued = (count: number) => waitFor(() => submitted >= count, `${count} requests queued`);
    return { ...gated, metrics, queued };
  }

  function sendAll(client: InferenceClient, app: FastifyInstance) {
    const nativeRows = [row(1), row(2)];
    return {
      native: app.inject({ method: 'POST', url: '/predict', payload: nativeRows }),
      rest: app.inject({ method: 'POST', url: '/v2/models/iris/infer', payload: { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], data: row(3) }] } }),
      typed: client.call('ModelInfer', { model_name: 'iris', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: row(4) } }] }),
      raw: client.call('ModelInfer', { model_name: 'iris', inputs: [{ name: 'input', datatype: 'FP32', shape: [3, 4] }], raw_input_contents: [float32Bytes([row(5), row(6), row(7)].flat())] }),
    };
  }

  async function expectOwnAnswers(sent: ReturnType<typeof sendAll>) {
    const twice = (r: number[]) => r.slice(0, 3).map((value) => value * 2);
    expect((await sent.native).json()).toEqual({ probabilities: [twice(row(1)), twice(row(2))], label: [1, 2] });
    const rest = (await sent.rest).json();
    expect(rest.outputs[0].data).toEqual(twice(row(3)));
    expect(rest.outputs[1].data).toEqual([0]);
    const typed = await sent.typed;
    expect(typed.outputs[0].contents.fp32_contents).toEqual(twice(row(4)));
    const raw = await sent.raw;
    const values = Array.from(new Float32Array(new Uint8Array(raw.raw_output_contents[0]).buffer));
    expect(values).toEqual([row(5), row(6), row(7)].flatMap(twice));
    expect(Array.from(new BigInt64Array(new Uint8Array(raw.raw_output_contents[1]).buffer), Number)).toEqual([2, 0, 1]);
  }

  it('batches native, v2 REST, gRPC typed and gRPC raw requests together, each answered with its own rows', async () => {
    const { calls, open, metrics, queued } = await start();
    const first = app!.inject({ method: 'POST', url: '/predict', payload: [row(0)] });
    await queued(1);
    const sent = sendAll(client!, app!);
    await queued(5);
    open();
    expect((await first).statusCode).toBe(200);
    await expectOwnAnswers(sent);
    expect(calls.map((call) => call.input!.dims[0])).toEqual([1, 7]);
    const batches = (await metrics.batchSize.get()).values.find((value) => value.metricName === 'bento_batch_size_rows_count');
    expect(batches?.value).toBe(2);
  });

  it('drains on close: requests already queued from every door are answered, new gRPC calls are refused', async () => {
    const { open, queued } = await start();
    const first = app!.inject({ method: 'POST', url: '/predict', payload: [row(0)] });
    await queued(1);
    const sent = sendAll(client!, app!);
    await queued(5);
    const closed = Promise.all([grpc!.drain(), app!.close()]);
    open();
    await closed;
    expect((await first).statusCode).toBe(200);
    await expectOwnAnswers(sent);
    const refused = await failureOf(client!.call('ModelInfer', { model_name: 'iris', inputs: [] }));
    expect(refused.code).toBe(status.UNAVAILABLE);
    grpc = undefined;
    app = undefined;
  });
});
