import { defineCommand } from 'citty';
import { stringify } from 'yaml';
import { openStore } from '../store/index.js';

export default defineCommand({
  meta: { name: 'get', description: "Show a bento's manifest" },
  args: {
    tag: { type: 'positional', required: true, description: 'name[:version|latest]' },
    output: { type: 'enum', alias: 'o', options: ['yaml', 'json', 'path'], default: 'yaml', description: 'Output format' },
  },
  async run({ args }) {
    const bento = await openStore().get(args.tag);
    if (args.output === 'path') console.log(bento.dir);
    else if (args.output === 'json') console.log(JSON.stringify({ ...bento.manifest, path: bento.dir }, null, 2));
    else process.stdout.write(stringify({ ...bento.manifest, path: bento.dir }, { lineWidth: 0 }));
  },
});
