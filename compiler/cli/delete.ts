import { defineCommand } from 'citty';
import { createInterface } from 'node:readline/promises';
import { BentocError } from '../diagnostics/index.js';
import { openStore } from '../store/index.js';

export default defineCommand({
  meta: { name: 'delete', description: 'Delete a bento from the store' },
  args: {
    tag: { type: 'positional', required: true, description: 'name[:version|latest]' },
    yes: { type: 'boolean', alias: 'y', description: 'Do not ask for confirmation' },
  },
  async run({ args }) {
    const store = openStore();
    const bento = await store.get(args.tag);
    const tag = `${bento.name}:${bento.version}`;
    if (!args.yes) {
      if (!process.stdin.isTTY) {
        throw new BentocError('bad_cli_input', `refusing to delete ${tag} without confirmation`, { hint: 'pass -y to delete without a prompt' });
      }
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      const answer = await rl.question(`Delete ${tag}? [y/N] `);
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        console.log('Nothing deleted.');
        return;
      }
    }
    await store.delete(tag);
    console.log(`Deleted ${tag}`);
  },
});
