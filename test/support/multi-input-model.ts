/**
 * A model with inputs of different dtypes and several outputs, as exporters of tabular or NLP models make them:
 * `features` float32 [batch, 3] and `counts` int64 [batch, 2] → `scores` float32 [batch, 2] (softmax of a linear
 * layer over both) and `doubled` int64 [batch, 2] (counts + counts).
 */
import onnxProto from 'onnx-proto';
import { createFloatTensor, describeTensor, encodeModel, IR_VERSION, OPSET_VERSION } from '../../samples/lib/onnx-builder.js';

const { onnx } = onnxProto;

export const MULTI_WEIGHTS = [0.5, -1, 0.25, 0.1, -0.2, -0.5, 1, 0.75, -0.1, 0.2];
export const MULTI_BIAS = [0.1, -0.1];

export function makeMultiInputModel(): Uint8Array {
  const int = (name: string, i: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'bentoc-tests',
    graph: {
      name: 'multi_input',
      initializer: [createFloatTensor('w', [2, 5], MULTI_WEIGHTS), createFloatTensor('b', [2], MULTI_BIAS)],
      node: [
        { opType: 'Cast', name: 'cast', input: ['counts'], output: ['counts_f'], attribute: [int('to', onnx.TensorProto.DataType.FLOAT)] },
        { opType: 'Concat', name: 'concat', input: ['features', 'counts_f'], output: ['x'], attribute: [int('axis', 1)] },
        { opType: 'Gemm', name: 'gemm', input: ['x', 'w', 'b'], output: ['logits'], attribute: [int('transB', 1)] },
        { opType: 'Softmax', name: 'softmax', input: ['logits'], output: ['scores'], attribute: [int('axis', -1)] },
        { opType: 'Add', name: 'add', input: ['counts', 'counts'], output: ['doubled'] },
      ],
      input: [describeTensor('features', 'float32', ['batch', 3]), describeTensor('counts', 'int64', ['batch', 2])],
      output: [describeTensor('scores', 'float32', ['batch', 2]), describeTensor('doubled', 'int64', ['batch', 2])],
    },
  });
}
