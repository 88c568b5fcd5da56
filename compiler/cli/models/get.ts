import { defineCommand } from 'citty';
import { stringify } from 'yaml';
import { openModelStore } from '../../store/model-store.js';

export default defineCommand({
  meta: { name: 'get', description: "Show a model's record: signature, sha256, size, labels" },
  args: {
    tag: { type: 'positional', required: true, description: 'name[:version|latest]' },
    output: { type: 'enum', alias: 'o', options: ['yaml', 'json', 'path'], default: 'yaml', description: 'Output format' },
  },
  async run({ args }) {
    const model = await openModelStore().get(args.tag);
    if (args.output === 'path') console.log(model.path);
    else if (args.output === 'json') console.log(JSON.stringify({ ...model.record, createdAt: model.createdAt, path: model.path }, null, 2));
    else process.stdout.write(stringify({ ...model.record, createdAt: model.createdAt, path: model.path }, { lineWidth: 0 }));
  },
});
