import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import onnxProto from 'onnx-proto';
import type { Dim, Dtype, TensorSpec } from '../../../runtime-template/contract.js';
import { BentocError, type SourceSpan } from '../../diagnostics/index.js';

const { onnx } = onnxProto;

export interface OnnxSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  sha256: string;
  bytes: Buffer;
  opsetVersion?: number;
  producer?: string;
}

const dtypes: Partial<Record<number, Dtype>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  11: 'float64',
};

/**
 * Reads a model's inputs and outputs straight from the protobuf: names, dtypes and shapes with the
 * symbolic dims kept by name (onnxruntime's metadata drops them).
 */
export async function readOnnxSignature(path: string, span: SourceSpan): Promise<OnnxSignature> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new BentocError('model_not_found', `model file ${path} does not exist`, {
      span,
      hint: 'export the model first (the samples have `npm run sample:<name>`), or fix `path:`',
    });
  }
  let model: ReturnType<typeof onnx.ModelProto.decode>;
  try {
    model = onnx.ModelProto.decode(bytes);
    if (!model.graph) throw new Error('no graph');
  } catch (error) {
    throw new BentocError('model_unreadable', `${path} is not an ONNX model (${(error as Error).message})`, {
      span,
      hint: 'bentoc serves ONNX models: export with torch.onnx.export, tf2onnx, skl2onnx, or onnx-proto',
    });
  }
  const graph = model.graph!;
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const toSpec = (info: InstanceType<typeof onnx.ValueInfoProto>): TensorSpec => {
    const tensor = info.type?.tensorType;
    const dtype = dtypes[tensor?.elemType ?? 0];
    if (!dtype) {
      throw new BentocError('model_unreadable', `${path}: tensor \`${info.name}\` has an element type bentoc cannot serve (${tensor?.elemType ?? 'none'})`, {
        span,
        hint: 'cast it to float32, float64, int32, int64, uint8, int8, bool or string when exporting',
      });
    }
    // An unnamed dynamic dim is -1, never a made-up name: two of them are not known to be the same size.
    const shape: Dim[] = (tensor?.shape?.dim ?? []).map((d) =>
      d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : -1,
    );
    return { name: info.name ?? '', dtype, shape };
  };
  return {
    inputs: (graph.input ?? []).filter((i) => !initializers.has(i.name ?? '')).map((i) => toSpec(i as never)),
    outputs: (graph.output ?? []).map((o) => toSpec(o as never)),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes,
    opsetVersion: model.opsetImport?.[0]?.version ? Number(model.opsetImport[0].version) : undefined,
    producer: model.producerName || undefined,
  };
}
