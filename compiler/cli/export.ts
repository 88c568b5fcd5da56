import { defineCommand } from 'citty';
import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { exportBento } from '../store/bento-archive.js';
import { openStore } from '../store/index.js';
import { formatBytes } from './format.js';

export default defineCommand({
  meta: { name: 'export', description: 'Write a bento to a single .bento.tar.gz file' },
  args: {
    tag: { type: 'positional', required: true, description: 'name[:version|latest]' },
    output: { type: 'string', alias: 'o', description: 'Archive path, or a folder to put <name>-<version>.bento.tar.gz in (default: that name, here)' },
  },
  async run({ args }) {
    const { bento, file } = await exportBento(openStore(), args.tag, args.output);
    const size = (await stat(file)).size;
    console.log(`Exported ${bento.name}:${bento.version} to ${relative(process.cwd(), file) || file} (${formatBytes(size)})`);
  },
});
