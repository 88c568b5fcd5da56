import { defineCommand } from 'citty';
import { open } from 'node:fs/promises';
import { BentocError } from '../../diagnostics/index.js';
import { readOnnxSignature } from '../../phases/3-analyze/read-onnx-signature.js';
import { importModel } from '../../store/model-archive.js';
import { openModelStore } from '../../store/model-store.js';
import { parseLabels } from './parse-labels.js';

export default defineCommand({
  meta: { name: 'import', description: 'Add an ONNX file (with --name) or a .model.tar.gz from `models export` to the store' },
  args: {
    file: { type: 'positional', required: true, description: 'model.onnx, or an archive written by `bentoc models export`' },
    name: { type: 'string', description: 'Model name (required for an ONNX file)' },
    label: { type: 'string', description: 'key=value label (repeatable)' },
  },
  async run({ args, rawArgs }) {
    const store = openModelStore();
    if (await isGzip(args.file)) {
      const { model, imported } = await importModel(store, args.file);
      const tag = `${model.record.name}:${model.record.version}`;
      console.log(imported ? `Imported model ${tag} into ${model.dir}` : `model ${tag} is already in the store; nothing imported`);
      return;
    }
    if (!args.name) throw new BentocError('bad_cli_input', 'an ONNX file needs a model name', { hint: `bentoc models import ${args.file} --name my_model` });
    const signature = await readOnnxSignature(args.file);
    const { model, added } = await store.add({
      name: args.name,
      bytes: signature.bytes,
      sha256: signature.sha256,
      labels: parseLabels(rawArgs),
      signature: { inputs: signature.inputs, outputs: signature.outputs },
      opsetVersion: signature.opsetVersion,
      producer: signature.producer,
    });
    const tag = `${model.record.name}:${model.record.version}`;
    console.log(added ? `Imported model ${tag} (sha256 ${model.record.sha256.slice(0, 12)}…)` : `model ${tag} is already in the store; latest points at it`);
  },
});

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return false; // readOnnxSignature reports the missing file
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
