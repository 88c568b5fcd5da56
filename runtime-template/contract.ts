/**
 * The contract between the compiler and every generated server.
 *
 * The compiler writes a `RuntimeConfig` into the bundle as the virtual module `bento:config`
 * and the user's handler functions as `bento:handlers`. This file holds types only, so the
 * compiler may `import type` it without pulling runtime code into the compiler.
 */

export type Dtype = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'int8' | 'bool' | 'string';

/** A dimension: a fixed size, or the name of a dynamic (symbolic) dimension such as `batch`. */
export type Dim = number | string;

export interface TensorSpec {
  name: string;
  dtype: Dtype;
  shape: Dim[];
}

export interface ModelSpec {
  /** Artifact name, as APIs refer to it. */
  name: string;
  /** File name inside the bento's `models/` folder. */
  file: string;
  sha256: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export type InputSpec =
  | { type: 'ndarray'; dtype: Dtype; shape: Dim[] }
  | MultiNdarrayInputSpec
  | { type: 'json'; schema?: Record<string, unknown> }
  | { type: 'text' }
  | ImageInputSpec
  | DataframeInputSpec
  | { type: 'file' };

/** ndarray input of a model with several inputs: one named nested array per model input. */
export interface MultiNdarrayInputSpec {
  type: 'ndarray';
  inputs: TensorSpec[];
}

/** PNG/JPEG images decoded, resized and normalised into the model's image tensor. */
export interface ImageInputSpec {
  type: 'image';
  color: 'grayscale' | 'rgb';
  width: number;
  height: number;
  /** Where channels sit in the model's tensor; `hw` for a rank-3 grayscale input without a channel dim. */
  layout: 'nchw' | 'nhwc' | 'hw';
  /** The model input's dtype: float32/float64 get `scale`/`mean`/`std`, uint8 gets raw pixels. */
  dtype: Dtype;
  /** value = ((invert ? 255 - pixel : pixel) * scale - mean[c]) / std[c] */
  scale: number;
  mean?: number[];
  std?: number[];
  invert: boolean;
  /** Largest decoded image accepted, in pixels (width × height), before resizing. */
  maxPixels: number;
  /**
   * Set for a model with dynamic H×W: each image keeps its aspect ratio and size (scaled down when its longer
   * side passes `maxSide`) and is padded right and bottom to multiples of `multipleOf`; `width`/`height` are then
   * only the example's size.
   */
  dynamic?: { maxSide: number; multipleOf: number };
}

export interface DataframeColumn {
  name: string;
  /** What values the column accepts; converted to the tensor's dtype. */
  dtype: Dtype;
}

/** Tabular rows in pandas orients (or CSV) into a 2-D tensor, columns in declared order. */
export interface DataframeInputSpec {
  type: 'dataframe';
  /** Accepted JSON orient; `auto` detects it from the body's form. */
  orient: 'records' | 'columns' | 'split' | 'values' | 'auto';
  columns: DataframeColumn[];
  /** The tensor's dtype: the model input's. */
  dtype: Dtype;
}

export type OutputSpec =
  | {
      type: 'json';
      /** Class names for the model's label/probability outputs, index → name. */
      labels?: string[];
      /** With labels: list only the k most probable classes per row, best first. */
      topK?: number;
    }
  | { type: 'ndarray' }
  | { type: 'text' };

/** What a `file` input hands its handler. */
export interface FileValue {
  data: Buffer;
  /** The part's or body's media type, e.g. `application/pdf`. */
  mediaType: string;
  filename?: string;
}

export interface BatchSpec {
  enabled: boolean;
  /** Rows per outbound batch; never exceeded. */
  maxBatchSize: number;
  /** Latency target per request, in ms, from arrival to answer. */
  maxLatencyMs: number;
  /**
   * How batches are formed: `cork` adapts to cost and load; `fixed_timeout` (advanced, a baseline) waits
   * `timeoutMs` after a batch's first request, as TF Serving does. @default 'cork'
   */
  policy?: 'cork' | 'fixed_timeout';
  /** `fixed_timeout` only: ms a batch waits for more requests after its first one. */
  timeoutMs?: number;
  /**
   * For an API that runs a model: each model input's and output's batch axis by tensor name, null where it has
   * none (read from the signature by the compiler, or set in the bentofile). Batches concatenate and split
   * along these; inputs without one become part of the batch key.
   */
  axes?: Record<string, number | null>;
}

export interface ApiSpec {
  name: string;
  /** HTTP route, always starting with `/`. */
  route: string;
  /** Artifact name of the model this API runs, when it has one. */
  model?: string;
  /** Key into `bento:handlers` when the API has a TypeScript handler. */
  handler?: string;
  input: InputSpec;
  output: OutputSpec;
  batch: BatchSpec;
  /** An example request body for docs, derived from the signature. */
  example?: unknown;
}

export interface RuntimeSettings {
  /** @default 5000 */
  port: number;
  /** @default '0.0.0.0' */
  host: string;
  /** Model worker threads; also the batcher's outbound semaphore. @default 1 */
  workers: number;
  /** onnxruntime intra-op threads per worker. @default 0 (onnxruntime decides) */
  threads: number;
  device: 'auto' | 'cpu' | 'cuda' | 'webgpu';
  /** Largest accepted request body, in bytes. @default 10 MiB */
  bodyLimitBytes: number;
  /** Whole-request budget, in ms, after which the client gets a 504. @default 60_000 */
  requestTimeoutMs: number;
  /**
   * Idle keep-alive time, in ms, sent to clients as `Keep-Alive: timeout=N`; shutdown waits up to this (+1 s) for
   * idle connections. Absent: DEFAULT_KEEP_ALIVE_TIMEOUT_MS (http/drain-state.ts).
   */
  keepAliveTimeoutMs?: number;
  /**
   * Port of the Open Inference Protocol's gRPC service; absent or 0: none. The compiler writes 8001 unless
   * the bentofile's `runtime.grpc_port` says otherwise.
   */
  grpcPort?: number;
}

export interface RuntimeConfig {
  service: { name: string; version: string; description?: string };
  runtime: RuntimeSettings;
  models: ModelSpec[];
  apis: ApiSpec[];
}

/** What a handler receives besides its input. */
export interface HandlerContext {
  /** Runs a model of this bento in a worker thread. */
  run(model: string, feeds: Record<string, TensorValue>): Promise<Record<string, TensorValue>>;
  api: string;
}

/** A tensor as it crosses the worker boundary: flat typed data plus shape. */
export interface TensorValue {
  dtype: Dtype;
  dims: number[];
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | string[];
}
