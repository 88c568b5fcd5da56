import { defineCommand } from 'citty';
import { importBento } from '../store/bento-archive.js';
import { openStore } from '../store/index.js';

export default defineCommand({
  meta: { name: 'import', description: 'Add a bento from a file written by `bentoc export`' },
  args: {
    file: { type: 'positional', required: true, description: 'Path of a .bento.tar.gz' },
  },
  async run({ args }) {
    const { bento, imported } = await importBento(openStore(), args.file);
    const tag = `${bento.name}:${bento.version}`;
    console.log(imported ? `Imported ${tag} into ${bento.dir}` : `${tag} is already in the store; nothing imported`);
  },
});
