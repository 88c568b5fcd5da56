import { defineCommand } from 'citty';
import { openModelStore } from '../../store/model-store.js';
import { confirm } from '../confirm.js';

export default defineCommand({
  meta: { name: 'delete', description: 'Delete a model version from the store' },
  args: {
    tag: { type: 'positional', required: true, description: 'name[:version|latest]' },
    yes: { type: 'boolean', alias: 'y', description: 'Do not ask for confirmation' },
  },
  async run({ args }) {
    const store = openModelStore();
    const { record } = await store.get(args.tag);
    const tag = `${record.name}:${record.version}`;
    if (!(await confirm(`Delete model ${tag}?`, args.yes, `delete model ${tag}`))) {
      console.log('Nothing deleted.');
      return;
    }
    await store.delete(tag);
    console.log(`Deleted model ${tag}`);
  },
});
