// A small typed layer over onnx-proto for writing ONNX models from TypeScript, so the samples and
// benchmarks need no Python. Every byte depends only on the inputs: no timestamps, no random names.
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

// onnx-proto is CommonJS with `module.exports = root`, so Node's ESM loader exposes it only as default.
const { onnx } = onnxProto;

export type ModelProto = Onnx.IModelProto;
export type NodeProto = Onnx.INodeProto;
export type TensorProto = Onnx.ITensorProto;
export type ValueInfoProto = Onnx.IValueInfoProto;

export const IR_VERSION = 8;
export const OPSET_VERSION = 13;

export type ElemType = 'float32' | 'int64';

const ELEM_TYPE_CODES: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
};

/** A dimension: a fixed size, or a name for a dynamic one (e.g. 'batch'). */
export type Dim = number | string;

/** Describes a graph input or output, e.g. `describeTensor('input', 'float32', ['batch', 4])`. */
export function describeTensor(name: string, elemType: ElemType, dims: readonly Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM_TYPE_CODES[elemType],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** A float32 initializer stored as little-endian rawData (compact, and identical on any host). */
export function createFloatTensor(name: string, dims: readonly number[], values: ArrayLike<number>): TensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) {
    throw new Error(`tensor ${name}: ${values.length} values for dims [${dims.join(', ')}] (${count})`);
  }
  const bytes = new Uint8Array(count * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < count; i++) view.setFloat32(i * 4, values[i]!, true);
  return { name, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytes };
}

/** An int64 initializer (e.g. a Reshape target shape), also as little-endian rawData. */
export function createInt64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims: [...dims], dataType: onnx.TensorProto.DataType.INT64, rawData: bytes };
}

type AttrValue = number | number[] | { float: number };

function createAttribute(name: string, value: AttrValue): Onnx.IAttributeProto {
  const Type = onnx.AttributeProto.AttributeType;
  if (Array.isArray(value)) return { name, type: Type.INTS, ints: value };
  if (typeof value === 'number') return { name, type: Type.INT, i: value };
  return { name, type: Type.FLOAT, f: value.float };
}

function createNode(
  opType: string,
  name: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, AttrValue> = {},
): NodeProto {
  return {
    opType,
    name,
    input: inputs,
    output: outputs,
    attribute: Object.entries(attrs).map(([k, v]) => createAttribute(k, v)),
  };
}

/**
 * Collects nodes and initializers for one graph. Each op helper returns the name of its output, so layers
 * chain like function calls; pass `output` to give a node a graph-output name.
 */
export interface GraphBuilder {
  addInitializer(tensor: TensorProto): string;
  /** y = x·Wᵀ + b with W stored [out, in] (transB=1), the PyTorch Linear layout. */
  gemm(x: string, weight: string, bias: string, output?: string): string;
  relu(x: string, output?: string): string;
  softmax(x: string, output?: string): string;
  /** Index of the largest value along axis 1, as int64 [batch]. */
  argMax(x: string, output?: string): string;
  conv(x: string, weight: string, bias: string, opts: { kernel: number; pad?: number; stride?: number }, output?: string): string;
  maxPool(x: string, opts: { kernel: number; stride?: number }, output?: string): string;
  /** Flattens everything after the batch dimension into one. */
  flatten(x: string, output?: string): string;
  reshape(x: string, shape: string, output?: string): string;
  buildModel(spec: { name: string; docString?: string; inputs: ValueInfoProto[]; outputs: ValueInfoProto[] }): ModelProto;
}

export function createGraphBuilder(): GraphBuilder {
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const counts = new Map<string, number>();

  // Node and tensor names come from a per-op counter, so the same build steps always give the same names.
  function addNode(opType: string, inputs: string[], output: string | undefined, attrs?: Record<string, AttrValue>): string {
    const n = counts.get(opType) ?? 0;
    counts.set(opType, n + 1);
    const name = `${opType.toLowerCase()}_${n}`;
    const out = output ?? `${name}_out`;
    nodes.push(createNode(opType, name, inputs, [out], attrs));
    return out;
  }

  return {
    addInitializer(tensor) {
      initializers.push(tensor);
      return tensor.name!;
    },
    gemm: (x, w, b, output) => addNode('Gemm', [x, w, b], output, { transB: 1 }),
    relu: (x, output) => addNode('Relu', [x], output),
    softmax: (x, output) => addNode('Softmax', [x], output, { axis: -1 }),
    argMax: (x, output) => addNode('ArgMax', [x], output, { axis: 1, keepdims: 0 }),
    conv: (x, w, b, { kernel, pad = 0, stride = 1 }, output) =>
      addNode('Conv', [x, w, b], output, {
        kernel_shape: [kernel, kernel],
        pads: [pad, pad, pad, pad],
        strides: [stride, stride],
      }),
    maxPool: (x, { kernel, stride = kernel }, output) =>
      addNode('MaxPool', [x], output, { kernel_shape: [kernel, kernel], strides: [stride, stride] }),
    flatten: (x, output) => addNode('Flatten', [x], output, { axis: 1 }),
    reshape: (x, shape, output) => addNode('Reshape', [x, shape], output),
    buildModel({ name, docString, inputs, outputs }) {
      return {
        irVersion: IR_VERSION,
        opsetImport: [{ domain: '', version: OPSET_VERSION }],
        producerName: 'bentoc-samples',
        producerVersion: '1',
        docString: docString ?? '',
        graph: { name, node: nodes, initializer: initializers, input: inputs, output: outputs },
      };
    },
  };
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** Writes the model (creating parent folders) and returns the number of bytes written. */
export function saveModel(path: string, model: ModelProto | Uint8Array): number {
  const bytes = model instanceof Uint8Array ? model : encodeModel(model);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return bytes.length;
}

/** True when `importMetaUrl` belongs to the file Node was started with (`tsx file.ts`), not an import. */
export function isMainModule(importMetaUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(resolve(entry)) === realpathSync(fileURLToPath(importMetaUrl));
  } catch {
    return false;
  }
}
