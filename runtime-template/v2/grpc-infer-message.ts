/**
 * ModelInfer's messages (as @grpc/proto-loader gives them with `keepCase`, `longs: String`): typed contents or
 * `raw_input_contents` in; outputs answered in the same form the inputs came in.
 */
import type { TensorValue } from '../contract.js';
import { describeValue, errors } from '../errors.js';
import { declareTensor } from './declared-tensor.js';
import { decodeContents, encodeContents, hasContents, type TensorContents } from './grpc-contents.js';
import type { V2InferRequest, V2InferResult } from './inference-service.js';
import { decodeTensorBytes, encodeTensorBytes } from './tensor-bytes.js';

interface InferInputTensor {
  name: string;
  datatype: string;
  shape: string[];
  contents?: TensorContents | null;
}

export interface ModelInferRequest {
  model_name: string;
  model_version: string;
  id: string;
  inputs: InferInputTensor[];
  outputs: { name: string }[];
  raw_input_contents: Buffer[];
}

export interface DecodedInfer extends V2InferRequest {
  /** The request sent raw_input_contents: answer in raw_output_contents. */
  raw: boolean;
}

export function decodeModelInferRequest(message: ModelInferRequest): DecodedInfer {
  const inputs = message.inputs ?? [];
  const raw = message.raw_input_contents ?? [];
  if (inputs.length === 0) throw errors.invalidInput('inputs', 'a non-empty list of tensors', 'none');
  if (raw.length > 0 && raw.length !== inputs.length) {
    throw errors.invalidInput('raw_input_contents', `one entry per input (${inputs.length})`, `${raw.length} entries`);
  }
  const tensors: Record<string, TensorValue> = {};
  inputs.forEach((input, index) => {
    const declared = declareTensor(input.name, input.datatype, input.shape, index);
    if (declared.name in tensors) throw errors.invalidInput(declared.field, 'each input once', 'a second tensor of that name');
    if (raw.length === 0) {
      tensors[declared.name] = decodeContents(declared, input.contents);
      return;
    }
    if (hasContents(input.contents)) throw errors.invalidInput(`${declared.field}.contents`, 'no contents when raw_input_contents is used', describeValue(input.contents));
    tensors[declared.name] = decodeTensorBytes(declared, raw[index]!, `raw_input_contents[${index}]`);
  });
  return {
    id: message.id || undefined,
    inputs: tensors,
    outputs: message.outputs?.length ? message.outputs.map((output) => output.name) : undefined,
    raw: raw.length > 0,
  };
}

export function encodeModelInferResponse(result: V2InferResult, raw: boolean): Record<string, unknown> {
  return {
    model_name: result.modelName,
    model_version: result.modelVersion,
    id: result.id ?? '',
    outputs: result.outputs.map(({ name, datatype, shape, tensor }) => ({
      name,
      datatype,
      shape,
      ...(raw ? {} : { contents: encodeContents(tensor) }),
    })),
    raw_output_contents: raw ? result.outputs.map(({ tensor }) => encodeTensorBytes(tensor)) : [],
  };
}
