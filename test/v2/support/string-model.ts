/**
 * A model on strings: `text` string [batch] → `echo` string [batch] (Identity). StringNormalizer would be more
 * interesting but needs an en_US.UTF-8 locale that slim images and CI machines lack.
 */
import onnxProto from 'onnx-proto';
import { encodeModel, IR_VERSION, OPSET_VERSION } from '../../../samples/lib/onnx-builder.js';

const { onnx } = onnxProto;

export function makeStringEchoModel(): Uint8Array {
  const strings = (name: string) => ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.STRING, shape: { dim: [{ dimParam: 'batch' }] } } } });
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'bentoc-tests',
    graph: {
      name: 'string_echo',
      node: [{ opType: 'Identity', name: 'echo', input: ['text'], output: ['echo'] }],
      input: [strings('text')],
      output: [strings('echo')],
    },
  });
}
