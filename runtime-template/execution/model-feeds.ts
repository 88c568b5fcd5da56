/** Binding a parsed request to a model's named inputs, for APIs that run a model without a handler. */
import type { ApiSpec, ModelSpec, TensorValue } from '../contract.js';
import type { ParsedInput } from '../adapters/types.js';
import { describeValue, errors } from '../errors.js';
import type { Feeds } from '../model/messages.js';
import { createTensorBinder, type BoundTensors } from '../tensors/bind-tensors.js';
import { batchAxesOf } from '../tensors/batch-axes.js';

/** What the dispatcher queues for a model API: the request's checked tensors, its rows and its batch key. */
export type ModelItem = BoundTensors;

export interface FeedBinder {
  /** A parsed body (an adapter's tensors, or a json body's plain values) → the dispatcher's item. */
  bindParsed(parsed: ParsedInput): ModelItem;
  /** Tensors the server decoded itself (the inference protocol), checked the same way. */
  bindTensors(tensors: Record<string, TensorValue>, field: (name: string) => string): ModelItem;
}

const byName = (name: string) => name;

/**
 * An ndarray, image or dataframe body feeds the model's single input; a multi-input model's ndarray body arrives
 * as one tensor per input. A json body is an object with one nested array per model input
 * (`{"input_ids": [[...]], "attention_mask": [[...]]}`). All of them go through the same binder, so rows are
 * counted along each input's own batch axis and every item gets its batch key.
 */
export function createFeedBinder(api: ApiSpec, model: ModelSpec): FeedBinder {
  const [first] = model.inputs;
  if (!first) throw new Error(`model "${model.name}" has no inputs`);
  const binder = createTensorBinder(model.inputs, batchAxesOf(api, model));
  const bindTensors = (tensors: Record<string, TensorValue>, field: (name: string) => string) => binder.fromTensors(tensors, field);
  const type = api.input.type;
  if (type === 'ndarray' && 'inputs' in api.input) {
    // The adapter built one tensor per model input through this same binder's rules.
    return { bindParsed: (parsed) => bindTensors(parsed.value as Feeds, byName), bindTensors };
  }
  if (type === 'ndarray' || type === 'image' || type === 'dataframe') {
    if (model.inputs.length > 1) {
      throw new Error(`API "${api.name}": ${type} input cannot feed model "${model.name}", which has ${model.inputs.length} inputs`);
    }
    return { bindParsed: (parsed) => bindTensors({ [first.name]: parsed.value as TensorValue }, byName), bindTensors };
  }
  if (type === 'json') {
    return {
      bindParsed: (parsed) => {
        const body = parsed.value;
        if (body === null || typeof body !== 'object' || Array.isArray(body)) {
          throw errors.invalidInput('body', `an object with keys ${model.inputs.map((input) => input.name).join(', ')}`, describeValue(body));
        }
        return binder.fromJson(body as Record<string, unknown>, byName);
      },
      bindTensors,
    };
  }
  throw new Error(`API "${api.name}": ${type} input needs a handler to feed model "${model.name}"`);
}
