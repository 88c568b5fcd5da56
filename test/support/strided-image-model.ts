/**
 * A fully convolutional image model of any H×W that, like a strided detector, only takes sides that are multiples
 * of 32: `x` [batch, 3, height, width] → `mask` [batch, 1, height, width], the channel mean of x plus x pooled over
 * 32×32 cells and upsampled back (the Add fails unless the pooled grid covers x exactly).
 */
import onnxProto from 'onnx-proto';
import { createFloatTensor, describeTensor, encodeModel, IR_VERSION, OPSET_VERSION } from '../../samples/lib/onnx-builder.js';

const { onnx } = onnxProto;

export const STRIDE = 32;

export function makeStridedImageModel(): Uint8Array {
  const ints = (name: string, values: number[]) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
  const int = (name: string, i: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
  const str = (name: string, s: string) => ({ name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(s) });
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'bentoc-tests',
    graph: {
      name: 'strided',
      initializer: [createFloatTensor('scales', [4], [1, 1, STRIDE, STRIDE])],
      node: [
        { opType: 'AveragePool', name: 'pool', input: ['x'], output: ['pooled'], attribute: [ints('kernel_shape', [STRIDE, STRIDE]), ints('strides', [STRIDE, STRIDE])] },
        { opType: 'Resize', name: 'up', input: ['pooled', '', 'scales'], output: ['up'], attribute: [str('mode', 'nearest')] },
        { opType: 'Add', name: 'add', input: ['x', 'up'], output: ['sum'] },
        { opType: 'ReduceMean', name: 'mean', input: ['sum'], output: ['mask'], attribute: [ints('axes', [1]), int('keepdims', 1)] },
      ],
      input: [describeTensor('x', 'float32', ['batch', 3, 'height', 'width'])],
      output: [describeTensor('mask', 'float32', ['batch', 1, 'height', 'width'])],
    },
  });
}
