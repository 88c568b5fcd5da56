import { defineCommand } from 'citty';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCredentials } from '../../hub-client/credentials.js';
import { createReporter } from '../../hub-client/progress.js';
import { downloadArchive, fetchVersion } from '../../hub-client/pull-archive.js';
import { importBento } from '../../store/bento-archive.js';
import { openStore, parseTag } from '../../store/index.js';
import { importModel } from '../../store/model-archive.js';
import { openModelStore } from '../../store/model-store.js';

const args = {
  tag: { type: 'positional', required: true, description: 'name, name:version or name:<alias> (latest, production, …)' },
  json: { type: 'boolean', description: 'One JSON event per line instead of a progress bar' },
} as const;

/** Download → verify sha256 → the store's own safe import; the temp file goes away whatever happens. */
async function pull(kind: 'bento' | 'model', tag: string, json: boolean): Promise<void> {
  const credentials = await loadCredentials();
  const { name, version: ref } = parseTag(tag);
  const report = createReporter(json);
  const remote = await fetchVersion(credentials, kind, name, ref);
  const fullTag = `${name}:${remote.version}`;
  const home = openStore().home;
  const started = Date.now();
  const already = kind === 'bento' ? openStore().has(name, remote.version) : openModelStore().has(name, remote.version);
  if (already) {
    report({ event: 'done', tag: fullTag, digest: remote.digest, size: remote.size, seconds: 0, imported: false });
    return;
  }
  report({ event: 'start', action: 'pull', tag: fullTag, size: remote.size, digest: remote.digest });
  await mkdir(join(home, 'tmp'), { recursive: true });
  const file = join(home, 'tmp', `pull-${process.pid}-${randomBytes(4).toString('hex')}.tar.gz`);
  try {
    await downloadArchive(credentials, kind, remote, file, report);
    const imported = kind === 'bento' ? (await importBento(openStore(), file)).imported : (await importModel(openModelStore(), file)).imported;
    report({ event: 'done', tag: fullTag, digest: remote.digest, size: remote.size, seconds: (Date.now() - started) / 1000, imported });
  } finally {
    await rm(file, { force: true });
  }
}

export default defineCommand({
  meta: { name: 'pull', description: 'Pull a bento from the hub into the local store (sha256 verified)' },
  args,
  run: ({ args }) => pull('bento', args.tag, Boolean(args.json)),
});

export const pullModelCommand = defineCommand({
  meta: { name: 'pull', description: 'Pull a model from the hub into the model store (sha256 verified)' },
  args,
  run: ({ args }) => pull('model', args.tag, Boolean(args.json)),
});
