import { defineCommand } from 'citty';
import { openStore } from '../store/index.js';
import { confirm } from './confirm.js';

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
    if (!(await confirm(`Delete ${tag}?`, args.yes, `delete ${tag}`))) {
      console.log('Nothing deleted.');
      return;
    }
    await store.delete(tag);
    console.log(`Deleted ${tag}`);
  },
});
