/**
 * The Open Inference Protocol's model repository and inference, transport-free: REST (rest-routes.ts) and gRPC
 * (grpc-server.ts) both decode their requests into named tensors and call `infer`, which submits to the
 * dispatcher of the API serving the model, so v2 requests batch with that API's own requests and share its
 * checks, limits, shedding, metrics and drain.
 *
 * Mapping: each artifact is a v2 model of the same name, at the bento's version. It is served through the first
 * API that runs it without a handler, preferring an `ndarray` API (image, dataframe and json model APIs feed the
 * same tensors to the same dispatcher). A model that only handlers run is listed, and its infer answers 400.
 * The serving API's name finds the model too, unless an artifact has that name.
 */
import type { ModelSpec, RuntimeConfig, TensorValue } from '../contract.js';
import type { CancelSignal, DispatchError } from '../batching/dispatcher.js';
import { ApiError, errors } from '../errors.js';
import type { DrainState } from '../http/drain-state.js';
import type { InFlightCount } from '../metrics/create-metrics.js';
import type { ApiPipeline } from '../execution/create-api-pipeline.js';
import type { ModelPool } from '../model/create-model-pool.js';
import { toV2Datatype, toV2TensorMetadata, type V2Datatype } from './datatypes.js';
import { fieldOf } from './declared-tensor.js';
import { pickServingApi } from './serving-api.js';

export const V2_PLATFORM = 'onnx_onnxv1';
/** What `GET /v2` and ServerMetadata advertise. */
export const V2_EXTENSIONS = ['binary_tensor_data'];

export interface V2Model {
  name: string;
  spec: ModelSpec;
  /** The pipeline whose dispatcher runs this model (a model API: it has `bindTensors`); undefined when only handlers run it. */
  pipeline?: ApiPipeline;
}

export interface V2InferRequest {
  id?: string;
  /** Named input tensors, in the request's order. */
  inputs: Record<string, TensorValue>;
  /** Requested outputs; undefined: all, in the model's order. */
  outputs?: string[];
}

export interface V2OutputTensor {
  name: string;
  datatype: V2Datatype;
  shape: number[];
  tensor: TensorValue;
}

export interface V2InferResult {
  modelName: string;
  modelVersion: string;
  id?: string;
  outputs: V2OutputTensor[];
}

export interface InferenceService {
  readonly name: string;
  readonly version: string;
  readonly models: V2Model[];
  isReady(): boolean;
  /** The model, or a 404 naming what is served; `version` must be empty or the bento's. */
  findModel(name: string, version?: string): V2Model;
  modelMetadata(model: V2Model): { name: string; versions: string[]; platform: string; inputs: unknown[]; outputs: unknown[] };
  /** Whether a request for this model would be refused now (overload), before its body is decoded. */
  refuseEarly(model: V2Model): DispatchError | undefined;
  /** Checks the tensors against the model's signature (400 naming the tensor), then batches and runs them. */
  infer(model: V2Model, request: V2InferRequest, signal: CancelSignal, receivedAt: number): Promise<V2InferResult>;
}

export interface InferenceServiceOptions {
  config: RuntimeConfig;
  pool: ModelPool;
  pipelines: ApiPipeline[];
  /**
   * The server's shutdown state: while draining (DRAIN_DELAY_MS) readiness says no and inference goes on, as on the
   * API routes; once refusing, a request that arrived after refusing began is answered 503.
   */
  drain: DrainState;
  /** The API's bento_requests_in_flight counter: a v2 request counts there while it is queued or running. */
  inFlightOf: (pipeline: ApiPipeline) => InFlightCount;
}

export function createInferenceService({ config, pool, pipelines, drain, inFlightOf }: InferenceServiceOptions): InferenceService {
  const version = config.service.version;
  const models = config.models.map((spec): V2Model => {
    const api = pickServingApi(pipelines.map((candidate) => candidate.api), spec.name);
    const pipeline = pipelines.find((candidate) => candidate.api === api);
    return { name: spec.name, spec, pipeline };
  });
  const byName = new Map(models.map((model) => [model.name, model]));
  // An API's name also finds the model it serves (`/v2/models/predict`), unless an artifact has that name.
  for (const model of models) if (model.pipeline && !byName.has(model.pipeline.api.name)) byName.set(model.pipeline.api.name, model);

  return {
    name: config.service.name,
    version,
    models,
    isReady: () => pool.isReady() && !drain.draining,
    findModel(name, requested) {
      const model = byName.get(name);
      if (!model) {
        throw new ApiError('not_found', `unknown model "${name}"; this server has ${models.map((m) => `"${m.name}"`).join(', ') || 'none'}`, { model: name });
      }
      if (requested && requested !== version) {
        throw new ApiError('not_found', `model "${name}" has no version "${requested}"; it has "${version}"`, { model: name, version: requested });
      }
      return model;
    },
    modelMetadata: (model) => ({
      name: model.name,
      versions: [version],
      platform: V2_PLATFORM,
      inputs: model.spec.inputs.map(toV2TensorMetadata),
      outputs: model.spec.outputs.map(toV2TensorMetadata),
    }),
    refuseEarly: (model) => model.pipeline?.dispatcher.refuseEarly?.(1),
    async infer(model, request, signal, receivedAt) {
      const bindTensors = model.pipeline?.bindTensors;
      if (!model.pipeline || !bindTensors) {
        throw errors.invalidInput(`model "${model.name}"`, 'a model that an API runs directly', 'a model only handlers run', 'call its API route instead');
      }
      const selected = selectOutputs(model.spec, request.outputs);
      checkNamesAndDatatypes(model.spec, request.inputs);
      if (drain.refusing && receivedAt >= drain.refusingSince) throw errors.shuttingDown();
      if (!pool.isReady()) throw errors.notReady();
      const { item, rows } = bindTensors(request.inputs, fieldOf);
      const inFlight = inFlightOf(model.pipeline);
      inFlight.count++;
      let outcome;
      try {
        outcome = await model.pipeline.dispatcher.submit(item, rows, signal, receivedAt);
      } finally {
        inFlight.count--;
      }
      if (!outcome.ok) throw outcome.error;
      const values = outcome.value as Record<string, TensorValue>;
      return {
        modelName: model.name,
        modelVersion: version,
        id: request.id,
        // Without a selection every output the model gave, in its declared order.
        outputs: selected.filter((name) => request.outputs || name in values).map((name) => {
          const tensor = values[name];
          if (!tensor) throw errors.internal(new Error(`model "${model.name}" gave no output "${name}"`));
          return { name, datatype: toV2Datatype(tensor.dtype), shape: tensor.dims, tensor };
        }),
      };
    },
  };
}

/**
 * What the protocol's clients get wrong most, said in its terms before the binder's full check: a tensor name
 * the model does not have (rather than "input x missing"), and datatype names.
 */
function checkNamesAndDatatypes(model: ModelSpec, inputs: Record<string, TensorValue>): void {
  const names = model.inputs.map((input) => input.name);
  const unknown = Object.keys(inputs).find((name) => !names.includes(name));
  if (unknown !== undefined) throw errors.invalidInput(fieldOf(unknown), `one of the model inputs ${names.join(', ')}`, 'an unknown input');
  for (const spec of model.inputs) {
    const got = inputs[spec.name];
    if (got && got.dtype !== spec.dtype) {
      const [expected, actual] = [toV2Datatype(spec.dtype), toV2Datatype(got.dtype)];
      throw new ApiError('dtype_mismatch', `${fieldOf(spec.name)}: expected datatype ${expected}, got ${actual}`, { field: fieldOf(spec.name), expected, got: actual });
    }
  }
}

function selectOutputs(model: ModelSpec, requested: string[] | undefined): string[] {
  const names = model.outputs.map((output) => output.name);
  if (!requested || requested.length === 0) return names;
  for (const name of requested) {
    if (!names.includes(name)) throw errors.invalidInput(`output "${name}"`, `one of the model outputs ${names.join(', ')}`, 'an unknown output');
  }
  return requested;
}
