/**
 * The v2 REST infer request and response bodies: JSON, or with the binary tensor extension a JSON header of
 * `Inference-Header-Content-Length` bytes followed by the tensors flagged with `parameters.binary_data_size`,
 * in input order. Outputs go binary when asked (`binary_data_output`, or `binary_data` per output).
 */
import secureJson from 'secure-json-parse';
import type { TensorValue } from '../contract.js';
import { describeValue, errors } from '../errors.js';
import { declareTensor } from './declared-tensor.js';
import type { V2InferRequest, V2InferResult } from './inference-service.js';
import { decodeJsonData, encodeJsonData } from './json-data.js';
import { decodeTensorBytes, encodeTensorBytes } from './tensor-bytes.js';

export interface RestInferRequest extends V2InferRequest {
  /** Whether an output is answered in binary. */
  binaryOutput: (name: string) => boolean;
}

export const HEADER_LENGTH = 'inference-header-content-length';

export function parseRestInferBody(body: Buffer, headerLength: string | undefined): RestInferRequest {
  let jsonEnd = body.byteLength;
  if (headerLength !== undefined) {
    jsonEnd = Number(headerLength);
    if (!/^\d+$/.test(headerLength) || jsonEnd > body.byteLength) {
      throw errors.invalidInput('Inference-Header-Content-Length', `a byte count of at most ${body.byteLength} (the body's length)`, JSON.stringify(headerLength));
    }
  }
  const document = parseJson(body.subarray(0, jsonEnd));
  const binary = body.subarray(jsonEnd);
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw errors.invalidInput('body', 'an object {"inputs": [{"name", "shape", "datatype", "data"}]}', describeValue(document));
  }
  const { id, inputs, outputs, parameters } = document as Record<string, unknown>;
  if (id !== undefined && typeof id !== 'string') throw errors.invalidInput('id', 'a string', describeValue(id));
  if (!Array.isArray(inputs) || inputs.length === 0) throw errors.invalidInput('inputs', 'a non-empty array of tensors', describeValue(inputs));

  const tensors: Record<string, TensorValue> = {};
  let offset = 0;
  inputs.forEach((input: unknown, index) => {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) throw errors.invalidInput(`inputs[${index}]`, 'a tensor object', describeValue(input));
    const raw = input as Record<string, unknown>;
    const declared = declareTensor(raw.name, raw.datatype, raw.shape, index);
    if (declared.name in tensors) throw errors.invalidInput(declared.field, 'each input once', 'a second tensor of that name');
    const size = binaryDataSize(raw.parameters, declared.field);
    if (size === undefined) {
      tensors[declared.name] = decodeJsonData(declared, raw.data);
      return;
    }
    if (raw.data !== undefined) throw errors.invalidInput(`${declared.field}.data`, 'no data when binary_data_size is set', 'both');
    if (offset + size > binary.byteLength) {
      throw errors.invalidInput(`${declared.field}.parameters.binary_data_size`, `at most the ${binary.byteLength - offset} binary bytes left`, String(size));
    }
    tensors[declared.name] = decodeTensorBytes(declared, binary.subarray(offset, offset + size), 'binary data');
    offset += size;
  });
  if (offset !== binary.byteLength) {
    throw errors.invalidInput('body', `${offset} bytes of binary tensor data after the JSON header`, `${binary.byteLength}`);
  }
  const requested = parseOutputs(outputs);
  const allBinary = flag(parameters, 'binary_data_output', 'parameters') ?? false;
  return {
    id,
    inputs: tensors,
    outputs: requested?.map((output) => output.name),
    binaryOutput: (name) => requested?.find((output) => output.name === name)?.binary ?? allBinary,
  };
}

function parseJson(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw errors.emptyBody();
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw errors.invalidJson((error as Error).message);
  }
}

function binaryDataSize(parameters: unknown, field: string): number | undefined {
  if (parameters === undefined || parameters === null) return undefined;
  if (typeof parameters !== 'object' || Array.isArray(parameters)) throw errors.invalidInput(`${field}.parameters`, 'an object', describeValue(parameters));
  const size = (parameters as Record<string, unknown>).binary_data_size;
  if (size === undefined) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw errors.invalidInput(`${field}.parameters.binary_data_size`, 'a byte count', describeValue(size));
  }
  return size;
}

function flag(parameters: unknown, key: string, field: string): boolean | undefined {
  if (parameters === undefined || parameters === null) return undefined;
  if (typeof parameters !== 'object' || Array.isArray(parameters)) throw errors.invalidInput(field, 'an object', describeValue(parameters));
  const value = (parameters as Record<string, unknown>)[key];
  if (value !== undefined && typeof value !== 'boolean') throw errors.invalidInput(`${field}.${key}`, 'true or false', describeValue(value));
  return value as boolean | undefined;
}

function parseOutputs(outputs: unknown): { name: string; binary?: boolean }[] | undefined {
  if (outputs === undefined) return undefined;
  if (!Array.isArray(outputs)) throw errors.invalidInput('outputs', 'an array of {"name"}', describeValue(outputs));
  return outputs.map((output: unknown, index) => {
    const name = (output as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') throw errors.invalidInput(`outputs[${index}].name`, 'an output name', describeValue(name));
    return { name, binary: flag((output as { parameters?: unknown }).parameters, 'binary_data', `outputs[${index}].parameters`) };
  });
}

export interface RestInferResponse {
  contentType: string;
  body: string | Buffer;
  /** Set when binary outputs follow the JSON header. */
  headerLength?: number;
}

export function formatRestInferResponse(result: V2InferResult, binaryOutput: (name: string) => boolean): RestInferResponse {
  const chunks: Buffer[] = [];
  const outputs = result.outputs.map(({ name, datatype, shape, tensor }) => {
    if (!binaryOutput(name)) return { name, datatype, shape, data: encodeJsonData(tensor) };
    const bytes = encodeTensorBytes(tensor);
    chunks.push(bytes);
    return { name, datatype, shape, parameters: { binary_data_size: bytes.byteLength } };
  });
  const header = JSON.stringify({
    model_name: result.modelName,
    model_version: result.modelVersion,
    ...(result.id !== undefined ? { id: result.id } : {}),
    outputs,
  });
  if (chunks.length === 0) return { contentType: 'application/json; charset=utf-8', body: header };
  const json = Buffer.from(header, 'utf8');
  return { contentType: 'application/octet-stream', body: Buffer.concat([json, ...chunks]), headerLength: json.byteLength };
}
