/** Binding a parsed request to a model's named inputs, for APIs that run a model without a handler. */
import type { ApiSpec, ModelSpec, TensorValue } from '../contract.js';
import { toTensor } from '../adapters/nested-array.js';
import { isTensorValue } from '../adapters/tensor-json.js';
import type { ParsedInput } from '../adapters/types.js';
import { describeValue, errors } from '../errors.js';
import type { Feeds } from '../model/messages.js';

export interface ModelItem {
  feeds: Feeds;
  rows: number;
}

export type BindFeeds = (parsed: ParsedInput) => ModelItem;

/**
 * An ndarray, image or dataframe body feeds the model's single input; a multi-input model's ndarray body arrives
 * as one tensor per input. A json body is an object with one nested array per model input
 * (`{"input_ids": [[...]], "attention_mask": [[...]]}`), each checked against that input's signature.
 */
export function createFeedBinder(api: ApiSpec, model: ModelSpec): BindFeeds {
  const [first] = model.inputs;
  if (!first) throw new Error(`model "${model.name}" has no inputs`);
  if (api.input.type === 'ndarray' && 'inputs' in api.input) {
    // The adapter already built one tensor per model input, named as the model names them.
    return (parsed) => ({ feeds: parsed.value as Feeds, rows: parsed.rows });
  }
  if (api.input.type === 'ndarray' || api.input.type === 'image' || api.input.type === 'dataframe') {
    if (model.inputs.length > 1) {
      throw new Error(`API "${api.name}": ${api.input.type} input cannot feed model "${model.name}", which has ${model.inputs.length} inputs`);
    }
    return (parsed) => ({ feeds: { [first.name]: parsed.value as TensorValue }, rows: parsed.rows });
  }
  if (api.input.type === 'json') {
    return (parsed) => {
      const body = parsed.value;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw errors.invalidInput('body', `an object with keys ${model.inputs.map((input) => input.name).join(', ')}`, describeValue(body));
      }
      const feeds: Feeds = {};
      for (const input of model.inputs) {
        const value = (body as Record<string, unknown>)[input.name];
        if (value === undefined) throw errors.invalidInput(input.name, `a nested array for model input "${input.name}"`, 'nothing');
        feeds[input.name] = isTensorValue(value) ? value : toTensor(value, input, input.name);
      }
      return { feeds, rows: feeds[first.name]!.dims[0] ?? 1 };
    };
  }
  throw new Error(`API "${api.name}": ${api.input.type} input needs a handler to feed model "${model.name}"`);
}
