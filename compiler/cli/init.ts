import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { defineCommand } from 'citty';
import { check } from '../check.js';
import { BentocError, isBentocError } from '../diagnostics/index.js';
import { INIT_API, renderBentofile } from '../init/render-bentofile.js';
import { exampleFor } from '../phases/3-analyze/example-for.js';
import { readOnnxSignature } from '../phases/3-analyze/read-onnx-signature.js';

export default defineCommand({
  meta: { name: 'init', description: 'Write a commented bentofile.yaml for an ONNX model, derived from its signature' },
  args: {
    model: { type: 'positional', required: true, description: 'The ONNX file; bentofile.yaml is written beside it' },
    name: { type: 'string', description: 'Service name (default: from the file name)' },
    force: { type: 'boolean', description: 'Overwrite an existing bentofile.yaml' },
  },
  async run({ args }) {
    const model = resolve(args.model);
    const signature = await readOnnxSignature(model, { file: model, start: { line: 1, column: 1 } }).catch((error: unknown) => {
      // The reader speaks of a bentofile's `path:`; here the file came from the command line.
      if (error instanceof BentocError) throw new BentocError(error.diagnostics.map(({ span: _span, ...d }) => ({ ...d, hint: 'pass the path of an .onnx file' })));
      throw error;
    });
    const service = toServiceName(args.name ?? basename(model).replace(/\.onnx$/i, ''));
    if (!service) throw new BentocError('bad_cli_input', `\`${args.name}\` cannot be a service name`, { hint: 'use letters, digits, `_`, `.` and `-`, e.g. --name my_model' });
    const out = join(dirname(model), 'bentofile.yaml');
    if (existsSync(out) && !args.force) {
      throw new BentocError('bad_cli_input', `${out} already exists`, { hint: 'edit it, or pass --force to overwrite it' });
    }
    const options = { service, artifact: toServiceName(basename(model).replace(/\.onnx$/i, '')) || 'model', modelPath: `./${basename(model)}` };
    await writeFile(out, renderBentofile(signature, { ...options, batch: true }));
    // The build's own analysis decides whether the model can batch: a reduction over the batch cannot.
    if (!(await builds(out))) await writeFile(out, renderBentofile(signature, { ...options, batch: false }));
    await check(out);

    const example = signature.inputs.length === 1
      ? exampleFor({ type: 'ndarray', dtype: signature.inputs[0]!.dtype, shape: signature.inputs[0]!.shape })
      : exampleFor({ type: 'ndarray', inputs: signature.inputs });
    const project = relative(process.cwd(), dirname(model)) || '.';
    console.log(`✔ wrote ${relative(process.cwd(), out) || out}`);
    console.log('  next:');
    console.log(`    bentoc build ${project}`);
    console.log(`    bentoc serve ${service}:latest`);
    console.log(`    curl -X POST -H 'Content-Type: application/json' --data '${JSON.stringify(example)}' http://localhost:5000/${INIT_API}`);
  },
});

async function builds(bentofile: string): Promise<boolean> {
  try {
    await check(bentofile);
    return true;
  } catch (error) {
    if (isBentocError(error) && error.diagnostics.every((d) => d.code === 'unbatchable_model' || d.code === 'batch_axis_invalid')) return false;
    throw error;
  }
}

/** Lower case, and characters a service name cannot hold replaced by `_`. */
function toServiceName(raw: string): string {
  return raw.trim().toLowerCase().replace(/[^a-z0-9_.-]+/g, '_').replace(/^[.-]+/, '');
}
