import { defineCommand } from 'citty';
import { openStore } from '../store/index.js';
import { formatBytes, printTable } from './format.js';

export default defineCommand({
  meta: { name: 'list', description: 'List the bentos in the store' },
  args: {
    output: { type: 'enum', alias: 'o', options: ['table', 'json'], default: 'table', description: 'Output format' },
  },
  async run({ args }) {
    const bentos = await openStore().list();
    if (args.output === 'json') {
      console.log(JSON.stringify(bentos, null, 2));
      return;
    }
    if (bentos.length === 0) {
      console.log('No bentos yet. Build one with `bentoc build bentofile.yaml`.');
      return;
    }
    printTable(
      ['TAG', 'APIS', 'SIZE', 'CREATED'],
      bentos.map((b) => [`${b.name}:${b.version}${b.latest ? ' (latest)' : ''}`, b.apis.join(','), formatBytes(b.sizeBytes), b.createdAt.replace('T', ' ').slice(0, 19)]),
    );
  },
});
