/* Generated from bentofile.schema.json by schemas/generate-types.ts. Do not edit. */

export type Name = string;
export type Dtype = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'int8' | 'bool' | 'string';

/**
 * bentofile.yaml: what a bentoc service is — its models, environment, APIs and batching.
 */
export interface RawBentofile {
  /**
   * Service name; normalised to lower case. Becomes the bento and image name.
   */
  service: string;
  /**
   * What the service does; shown in the docs (at most 16,384 characters).
   */
  description?: string;
  /**
   * License of the service, as an SPDX identifier (e.g. Apache-2.0); shown in the OpenAPI document. Without it the document says Proprietary (LicenseRef-Proprietary: no license granted).
   */
  license?: string;
  /**
   * Free-form labels copied into the manifest and the image.
   */
  labels?: {
    [k: string]: string;
  };
  /**
   * Globs of project files to copy into the bento (relative to the bentofile).
   *
   * @maxItems 1000
   */
  include?: string[];
  /**
   * Globs removed from `include`.
   *
   * @maxItems 1000
   */
  exclude?: string[];
  artifacts?: Artifact[];
  /**
   * @minItems 1
   */
  apis: [Api, ...Api[]];
  env?: Env;
  runtime?: Runtime;
  docker?: Docker;
  deploy?: Deploy;
}
/**
 * A model: an ONNX file in the project (`path`) or a model from the store (`model: name:version|latest`); exactly one of the two.
 */
export interface Artifact {
  name: Name;
  /**
   * ONNX file, relative to the bentofile and inside the project.
   */
  path?: string;
  /**
   * A model in the store (`bentoc models import`), as name, name:latest or name:version.
   */
  model?: string;
}
export interface Api {
  name: Name;
  route?: string;
  description?: string;
  /**
   * Artifact name this API runs.
   */
  model?: string;
  /**
   * TypeScript handler as ./file.ts#exportName.
   */
  handler?: string;
  input?: Input;
  output?: Output;
  /**
   * An example request body for the docs and Swagger UI's "Try it out"; derived from the model signature when left out.
   */
  example?: {
    [k: string]: unknown;
  };
  batch?: Batch;
  /**
   * Deprecated: use batch.max_batch_size.
   */
  mb_max_batch_size?: number;
  /**
   * Deprecated: use batch.max_latency_ms.
   */
  mb_max_latency?: number;
}
/**
 * What a request carries. Default, for an API that runs a model: from its signature (one input → `ndarray`, several → one named array per input).
 */
export interface Input {
  /**
   * How the request body is read: ndarray (nested JSON arrays), json, text, image (PNG/JPEG), dataframe (pandas orients or CSV), file (raw bytes to a handler).
   */
  type: 'ndarray' | 'json' | 'text' | 'image' | 'dataframe' | 'file';
  dtype?: Dtype;
  /**
   * Dimensions; -1 or a name marks a dynamic one (the first is the batch).
   *
   * @minItems 1
   */
  shape?: [number | string, ...(number | string)[]];
  /**
   * JSON Schema the request body must satisfy (type json).
   */
  schema?: {};
  /**
   * Image inputs: the channels fed to the model.
   */
  color?: 'grayscale' | 'rgb';
  /**
   * Image inputs: width the image is resized to, in pixels; the model's W by default.
   */
  width?: number;
  /**
   * Image inputs: height the image is resized to, in pixels; the model's H by default.
   */
  height?: number;
  /**
   * Image inputs: nchw (channels first) or nhwc (channels last); read from the model's shape by default.
   */
  layout?: 'nchw' | 'nhwc';
  /**
   * Image inputs: factor applied to each 0-255 pixel value; 1/255 by default (1 for uint8 models).
   */
  scale?: number;
  /**
   * Image inputs: per-channel mean subtracted after scaling (one value, or one per channel).
   *
   * @minItems 1
   * @maxItems 3
   */
  mean?: [number] | [number, number] | [number, number, number];
  /**
   * Image inputs: per-channel standard deviation divided by after subtracting the mean.
   *
   * @minItems 1
   * @maxItems 3
   */
  std?: [number] | [number, number] | [number, number, number];
  /**
   * Image inputs: use 255 - pixel (dark ink on light paper for a model trained on light on dark).
   */
  invert?: boolean;
  /**
   * Image inputs: largest decoded image accepted (width x height, before resizing); bigger ones get 413.
   */
  max_pixels?: number;
  /**
   * Image inputs of a model with dynamic height and width (and no width/height set): a longer side above this is scaled down, keeping the aspect ratio; smaller images keep their size. Default 1024.
   */
  max_side?: number;
  /**
   * Image inputs of a model with dynamic height and width: the image is padded (right and bottom, black) to sides that are multiples of this, as strided detectors need (e.g. 32). Default 1.
   */
  multiple_of?: number;
  /**
   * Dataframe inputs: the pandas JSON orient accepted; any of them (detected from the body) when left out.
   */
  orient?: 'records' | 'columns' | 'split' | 'values';
  /**
   * Dataframe inputs: the columns, in the order the model's tensor wants them.
   *
   * @minItems 1
   */
  columns?: [Name | Column, ...(Name | Column)[]];
}
export interface Column {
  name: Name;
  dtype?: Dtype;
}
/**
 * What the answer carries. Default: `json` with every model output by name.
 */
export interface Output {
  type: 'json' | 'ndarray' | 'text';
  /**
   * Class names, index order, for a classifier's outputs.
   *
   * @minItems 1
   * @maxItems 100000
   */
  labels?: [string, ...string[]];
  /**
   * With labels: list only the k most probable classes per row, best first.
   */
  top_k?: number;
}
export interface Batch {
  enabled?: boolean;
  max_batch_size?: number;
  max_latency_ms?: number;
  /**
   * Advanced: how batches are formed. `cork` (default) adapts to the model's cost and the arrival rate; `fixed_timeout` is the TF-Serving-style batcher (each batch waits `timeout_ms` after its first request), kept for comparison.
   */
  policy?: 'cork' | 'fixed_timeout';
  /**
   * Advanced, `policy: fixed_timeout` only: how long a batch waits for more requests after its first one (ms). Default 5.
   */
  timeout_ms?: number;
  /**
   * Advanced: a model tensor's batch axis, by input or output name, where the signature does not say it (default: the axis of the symbolic dimension shared by inputs and outputs, e.g. `batch`; else a leading dynamic one). `null` marks a tensor without one: an input that is then part of the batch key (only requests with equal values share a batch).
   */
  axes?: {
    [k: string]: number | null;
  };
}
export interface Env {
  npm?: {
    /**
     * @maxItems 1000
     */
    packages?: string[];
    infer?: boolean;
  };
  pip?: {
    /**
     * @maxItems 1000
     */
    packages?: string[];
    requirements_txt?: string;
    infer?: boolean;
  };
}
export interface Runtime {
  port?: number;
  workers?: number;
  threads?: number;
  device?: 'auto' | 'cpu' | 'cuda' | 'webgpu';
  /**
   * Largest request body: bytes, or a size like 10mb.
   */
  body_limit?: number | string;
  request_timeout_ms?: number;
  /**
   * How long an idle keep-alive connection stays open (sent to clients as Keep-Alive: timeout=N). Behind a load balancer set it above the balancer's idle timeout (AWS ALB: 60 s), or the balancer may send on a connection the server is closing. Shutdown waits up to this long (+1 s) for idle connections.
   */
  keep_alive_timeout_ms?: number;
  /**
   * Port of the Open Inference Protocol (KServe v2) gRPC service; 0 turns it off. The v2 REST routes are always on the HTTP port.
   */
  grpc_port?: number;
}
export interface Docker {
  base_image?: string;
  gpu?: boolean;
  /**
   * @maxItems 1000
   */
  system_packages?: string[];
  env?: {
    [k: string]: string;
  };
  setup_script?: string;
  user?: string;
  labels?: {
    [k: string]: string;
  };
}
/**
 * Defaults for `bentoc deploy` (Kubernetes and KServe manifests); its flags override them.
 */
export interface Deploy {
  /**
   * Pods to run (the autoscaler's minimum when autoscaling is on).
   */
  replicas?: number;
  /**
   * What one pod requests. Memory is also its limit; CPU has no limit (throttling adds latency).
   */
  resources?: {
    /**
     * CPU cores: a number, or a Kubernetes quantity like 500m.
     */
    cpu?: number | string;
    /**
     * Memory as a Kubernetes quantity, e.g. 512Mi or 2Gi.
     */
    memory?: string;
    /**
     * nvidia.com/gpu per pod; GPU bentos (docker.gpu) default to 1.
     */
    gpu?: number;
  };
  /**
   * A HorizontalPodAutoscaler on CPU and on requests in flight per pod.
   */
  autoscale?: {
    enabled?: boolean;
    min?: number;
    max?: number;
    /**
     * Average CPU use, in % of the request, to scale at.
     */
    target_cpu_percent?: number;
    /**
     * Average requests in flight per pod (bento_requests_in_flight) to scale at.
     */
    target_in_flight?: number;
  };
}
