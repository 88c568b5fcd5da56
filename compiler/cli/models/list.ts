import { defineCommand } from 'citty';
import { openModelStore } from '../../store/model-store.js';
import { formatBytes, printTable } from '../format.js';

export default defineCommand({
  meta: { name: 'list', description: 'List the models in the store' },
  args: {
    output: { type: 'enum', alias: 'o', options: ['table', 'json'], default: 'table', description: 'Output format' },
  },
  async run({ args }) {
    const models = await openModelStore().list();
    if (args.output === 'json') {
      console.log(JSON.stringify(models.map((m) => ({ ...m.record, createdAt: m.createdAt, latest: m.latest, path: m.path })), null, 2));
      return;
    }
    if (models.length === 0) {
      console.log('No models yet. Add one with `bentoc models import model.onnx --name NAME`.');
      return;
    }
    printTable(
      ['TAG', 'SIZE', 'LABELS', 'CREATED'],
      models.map(({ record: r, latest, createdAt }) => [
        `${r.name}:${r.version}${latest ? ' (latest)' : ''}`,
        formatBytes(r.sizeBytes),
        Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(','),
        createdAt.replace('T', ' ').slice(0, 19),
      ]),
    );
  },
});
