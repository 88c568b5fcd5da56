/** A RuntimeConfig for the iris sample model, as the compiler would write it. */
import type { ApiSpec, ModelSpec, RuntimeConfig } from '../../../runtime-template/contract.js';

export const IRIS_MODEL: ModelSpec = {
  name: 'iris',
  file: 'iris.onnx',
  sha256: 'test',
  inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 4] }],
  outputs: [
    { name: 'probabilities', dtype: 'float32', shape: ['batch', 3] },
    { name: 'label', dtype: 'int64', shape: ['batch'] },
  ],
};

export const IRIS_LABELS = ['setosa', 'versicolor', 'virginica'];

export function createIrisApi(overrides: Partial<ApiSpec> = {}): ApiSpec {
  return {
    name: 'predict',
    route: '/predict',
    model: 'iris',
    input: { type: 'ndarray', dtype: 'float32', shape: [-1, 4] },
    output: { type: 'json', labels: IRIS_LABELS },
    batch: { enabled: false, maxBatchSize: 1000, maxLatencyMs: 1000 },
    ...overrides,
  };
}

export function createIrisConfig(options: { apis?: ApiSpec[]; bodyLimitBytes?: number; workers?: number } = {}): RuntimeConfig {
  return {
    service: { name: 'iris_classifier', version: 'test' },
    runtime: {
      port: 5000,
      host: '127.0.0.1',
      workers: options.workers ?? 1,
      threads: 1,
      device: 'cpu',
      bodyLimitBytes: options.bodyLimitBytes ?? 64 * 1024,
      requestTimeoutMs: 10_000,
    },
    models: [IRIS_MODEL],
    apis: options.apis ?? [createIrisApi()],
  };
}
