import { defineCommand } from 'citty';
import { relative } from 'node:path';
import { exportModel } from '../../store/model-archive.js';
import { openModelStore } from '../../store/model-store.js';

export default defineCommand({
  meta: { name: 'export', description: 'Write a model version to a single .model.tar.gz file' },
  args: {
    tag: { type: 'positional', required: true, description: 'name[:version|latest]' },
    output: { type: 'string', alias: 'o', description: 'Archive path, or a folder (default: <name>-<version>.model.tar.gz here)' },
  },
  async run({ args }) {
    const { model, file } = await exportModel(openModelStore(), args.tag, args.output);
    console.log(`Exported model ${model.record.name}:${model.record.version} to ${relative(process.cwd(), file) || file}`);
  },
});
