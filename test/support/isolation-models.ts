/**
 * Small ONNX models whose batch axes are not all "dim 0 of everything", written with onnx-proto for the isolation
 * tests: outputs transposed, inputs batched on axis 1, reductions over inner dims and over the batch, scalar side
 * inputs, and a Silero-VAD-shaped model (batch on axis 1 of its state tensors plus an int64 sample rate).
 */
import onnxProto from 'onnx-proto';
import { createInt64Tensor, describeTensor, encodeModel, IR_VERSION, OPSET_VERSION, type NodeProto, type TensorProto, type ValueInfoProto } from '../../samples/lib/onnx-builder.js';

const { onnx } = onnxProto;
const { AttributeType } = onnx.AttributeProto;

type Attr = { name: string; type: number; i?: number; ints?: number[] };
const ints = (name: string, values: number[]): Attr => ({ name, type: AttributeType.INTS, ints: values });
const int = (name: string, value: number): Attr => ({ name, type: AttributeType.INT, i: value });
const node = (opType: string, input: string[], output: string[], attribute: Attr[] = []): NodeProto =>
  ({ opType, name: `${opType}_${output[0]}`, input, output, attribute });
const FLOAT = onnx.TensorProto.DataType.FLOAT;

function model(name: string, inputs: ValueInfoProto[], outputs: ValueInfoProto[], nodes: NodeProto[], initializer: TensorProto[] = []): Uint8Array {
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'bentoc-tests',
    graph: { name, node: nodes, input: inputs, output: outputs, initializer },
  });
}

/** x [batch, 3] → y = xᵀ [3, batch]: the output carries the batch on axis 1. */
export const transposeOut = () => model('transpose_out',
  [describeTensor('x', 'float32', ['batch', 3])],
  [describeTensor('y', 'float32', [3, 'batch'])],
  [node('Transpose', ['x'], ['y'], [ints('perm', [1, 0])])]);

/** x [3, batch] (batch on axis 1) → t = xᵀ [batch, 3] and twice = 2x [3, batch]. */
export const axis1In = () => model('axis1_in',
  [describeTensor('x', 'float32', [3, 'batch'])],
  [describeTensor('t', 'float32', ['batch', 3]), describeTensor('twice', 'float32', [3, 'batch'])],
  [node('Transpose', ['x'], ['t'], [ints('perm', [1, 0])]), node('Add', ['x', 'x'], ['twice'])]);

/** x [batch, seq] (seq dynamic) → total = Σ over seq [batch], and x3 = 3x [batch, seq]. */
export const seqSum = () => model('seq_sum',
  [describeTensor('x', 'float32', ['batch', 'seq'])],
  [describeTensor('total', 'float32', ['batch']), describeTensor('x3', 'float32', ['batch', 'seq'])],
  [node('ReduceSum', ['x', 'axis1'], ['total'], [int('keepdims', 0)]), node('Add', ['x', 'x'], ['x2']), node('Add', ['x2', 'x'], ['x3'])],
  [createInt64Tensor('axis1', [1], [1])]);

/** x [batch, 2] and an int64 scalar `scale` → y = x · scale [batch, 2]. */
export const scaled = () => model('scaled',
  [describeTensor('x', 'float32', ['batch', 2]), describeTensor('scale', 'int64', [])],
  [describeTensor('y', 'float32', ['batch', 2])],
  [node('Cast', ['scale'], ['scale_f'], [int('to', FLOAT)]), node('Mul', ['x', 'scale_f'], ['y'])]);

/**
 * Silero VAD's shape: input [batch, sequence], sr int64 scalar, h/c [2, batch, 4] →
 * output = mean(input) · sr [batch, 1], hn = h · output [2, batch, 4], cn = c + sr [2, batch, 4].
 */
export const vadLike = () => model('vad_like',
  [
    describeTensor('input', 'float32', ['batch', 'sequence']),
    describeTensor('sr', 'int64', []),
    describeTensor('h', 'float32', [2, 'batch', 4]),
    describeTensor('c', 'float32', [2, 'batch', 4]),
  ],
  [describeTensor('output', 'float32', ['batch', 1]), describeTensor('hn', 'float32', [2, 'batch', 4]), describeTensor('cn', 'float32', [2, 'batch', 4])],
  [
    node('Cast', ['sr'], ['sr_f'], [int('to', FLOAT)]),
    node('ReduceMean', ['input'], ['mean'], [ints('axes', [1]), int('keepdims', 1)]),
    node('Mul', ['mean', 'sr_f'], ['output']),
    node('Mul', ['h', 'output'], ['hn']),
    node('Add', ['c', 'sr_f'], ['cn']),
  ]);

/** x [batch, 3] → y = Σ over the batch [1, 3]: depends on the whole batch, so it must never be batched. */
export const reduceBatch = () => model('reduce_batch',
  [describeTensor('x', 'float32', ['batch', 3])],
  [describeTensor('y', 'float32', [1, 3])],
  [node('ReduceSum', ['x', 'axis0'], ['y'], [int('keepdims', 1)])],
  [createInt64Tensor('axis0', [1], [0])]);
