import type { BatchSpec, Dim, Dtype, OutputSpec, RuntimeSettings } from '../../../runtime-template/contract.js';
import type { SourceSpan } from '../../diagnostics/index.js';

/** Defaults for everything a bentofile may leave out; the rest of the compiler sees only resolved values. */
export const defaults = {
  /** Rows per model call; what memory allows. */
  maxBatchSize: 1000,
  /** Latency target per request, in ms: the client's timeout. */
  maxLatencyMs: 10_000,
  /** `batch.policy: fixed_timeout`: ms a batch waits after its first request. */
  batchTimeoutMs: 5,
  port: 5000,
  workers: 1,
  /** 0 lets onnxruntime pick (one per core). */
  threads: 0,
  bodyLimitBytes: 10 * 1024 * 1024,
  requestTimeoutMs: 60_000,
  /** The Open Inference Protocol's gRPC port (Triton's and KServe's default); 0 turns gRPC off. */
  grpcPort: 8001,
  /** Largest decoded image, in pixels (8K × 5K): bounds the memory one request can make the server allocate. */
  imageMaxPixels: 40_000_000,
  /** A pinned Node LTS image matching the bundle's target. */
  baseImage: 'node:20.20.2-bookworm-slim',
  gpuBaseImage: 'nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04',
  user: 'bento',
} as const;

export interface ResolvedArtifact {
  name: string;
  /** Absolute path of the ONNX file. */
  path: string;
  span: SourceSpan;
}

export interface ResolvedHandler {
  /** Absolute path of the TypeScript/JavaScript file. */
  file: string;
  exportName: string;
  /** Unique key in the bundle's handler table. */
  key: string;
  span: SourceSpan;
}

/** An input as the bentofile declares it; what it leaves out is completed from the model signature in 3-analyze. */
export type ResolvedInput =
  | { type: 'ndarray'; dtype?: Dtype; shape?: Dim[] }
  | { type: 'json'; schema?: Record<string, unknown> }
  | { type: 'text' }
  | ResolvedImageInput
  | ResolvedDataframeInput
  | { type: 'file' };

export interface ResolvedImageInput {
  type: 'image';
  /** @default 'rgb' when the model has 3 channels, else 'grayscale' */
  color?: 'grayscale' | 'rgb';
  /** @default the model's W */
  width?: number;
  /** @default the model's H */
  height?: number;
  /** @default read from the model's shape */
  layout?: 'nchw' | 'nhwc';
  /** @default 1/255 for float models, 1 for uint8 */
  scale?: number;
  mean?: number[];
  std?: number[];
  invert: boolean;
  maxPixels: number;
}

export interface ResolvedDataframeInput {
  type: 'dataframe';
  orient: 'records' | 'columns' | 'split' | 'values' | 'auto';
  /** Declared columns; a column without dtype takes the model input's. */
  columns?: { name: string; dtype?: Dtype }[];
}

export interface ResolvedApi {
  name: string;
  route: string;
  description?: string;
  model?: string;
  handler?: ResolvedHandler;
  /** Undefined when the bentofile leaves it out: 3-analyze derives it from the model's signature. */
  input?: ResolvedInput;
  output: OutputSpec;
  batch: BatchSpec;
  /** `batch.axes` as written: batch axes by tensor name that override what the signature says. */
  batchAxes?: Record<string, number | null>;
  /** Request body shown in the docs; derived from the signature when absent. */
  example?: unknown;
  span: SourceSpan;
  /** Locates a key of this API in the bentofile, for later phases' diagnostics. */
  locate(key: string): SourceSpan;
  /** Locates a value inside this API (e.g. `['batch', 'axes', 'h']`), for diagnostics about that value. */
  locateValue(path: (string | number)[]): SourceSpan;
}

export interface ResolvedDocker {
  baseImage: string;
  gpu: boolean;
  systemPackages: string[];
  env: Record<string, string>;
  /** Absolute path of the setup script, when there is one. */
  setupScript?: string;
  user: string;
  labels: Record<string, string>;
}

export interface ResolvedBentofile {
  file: string;
  projectDir: string;
  /** Normalised (lower case) service name: the bento's name. */
  service: string;
  description?: string;
  labels: Record<string, string>;
  include: string[];
  exclude: string[];
  artifacts: ResolvedArtifact[];
  apis: ResolvedApi[];
  env: {
    npm: { packages: string[]; infer: boolean };
    pip: { packages: string[]; requirementsTxt?: string; infer: boolean; span?: SourceSpan };
  };
  runtime: RuntimeSettings;
  docker: ResolvedDocker;
  /** Present only when the bentofile has a `deploy:` section. */
  deploy?: ResolvedDeploy;
}

/** The bentofile's `deploy:` settings as written; `bentoc deploy` adds its flags and the defaults. */
export interface ResolvedDeploy {
  replicas?: number;
  /** Kubernetes quantities (cpu `2`, `500m`; memory `1Gi`) and a GPU count. */
  resources: { cpu?: string; memory?: string; gpu?: number };
  autoscale: { enabled?: boolean; min?: number; max?: number; targetCpuPercent?: number; targetInFlight?: number };
}
