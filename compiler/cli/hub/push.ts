import { defineCommand } from 'citty';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCredentials } from '../../hub-client/credentials.js';
import { createReporter } from '../../hub-client/progress.js';
import { pushArchive } from '../../hub-client/push-archive.js';
import { exportBento } from '../../store/bento-archive.js';
import { openStore } from '../../store/index.js';
import { exportModel } from '../../store/model-archive.js';
import { openModelStore } from '../../store/model-store.js';
import { parseLabels } from '../models/parse-labels.js';

const args = {
  tag: { type: 'positional', required: true, description: 'name[:version|latest]' },
  label: { type: 'string', description: 'key=value label for this version on the hub (repeatable)' },
  json: { type: 'boolean', description: 'One JSON event per line instead of a progress bar' },
} as const;

/**
 * The archive is written to a fixed name in the store's tmp folder: export is deterministic, so a push run
 * again after a kill sends the same bytes and the hub resumes instead of restarting.
 */
export default defineCommand({
  meta: { name: 'push', description: 'Push a bento to the hub (chunked, resumable, verified by sha256)' },
  args,
  async run({ args, rawArgs }) {
    const credentials = await loadCredentials();
    const store = openStore();
    const bento = await store.get(args.tag);
    const file = join(store.home, 'tmp', `push-${bento.name}-${bento.version}.bento.tar.gz`);
    await exportBento(store, `${bento.name}:${bento.version}`, file);
    await pushArchive(credentials, file, { kind: 'bento', name: bento.name, version: bento.version, labels: parseLabels(rawArgs) }, createReporter(Boolean(args.json)));
    await rm(file, { force: true });
  },
});

export const pushModelCommand = defineCommand({
  meta: { name: 'push', description: 'Push a model to the hub (chunked, resumable, verified by sha256)' },
  args,
  async run({ args, rawArgs }) {
    const credentials = await loadCredentials();
    const store = openModelStore();
    const { record } = await store.get(args.tag);
    const file = join(store.home, 'tmp', `push-${record.name}-${record.version}.model.tar.gz`);
    await exportModel(store, `${record.name}:${record.version}`, file);
    await pushArchive(credentials, file, { kind: 'model', name: record.name, version: record.version, labels: parseLabels(rawArgs) }, createReporter(Boolean(args.json)));
    await rm(file, { force: true });
  },
});
