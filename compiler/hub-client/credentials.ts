import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BentocError } from '../diagnostics/index.js';
import { BentoStore } from '../store/bento-store.js';

export interface HubCredentials {
  url: string;
  token: string;
}

function credentialsFile(env: NodeJS.ProcessEnv): string {
  return join(new BentoStore(env).home, 'hub-credentials.json');
}

/** BENTOC_HUB_URL / BENTOC_HUB_TOKEN win (CI); otherwise what `bentoc login` saved. */
export async function loadCredentials(env: NodeJS.ProcessEnv = process.env): Promise<HubCredentials> {
  let saved: Partial<HubCredentials> = {};
  try {
    saved = JSON.parse(await readFile(credentialsFile(env), 'utf8')) as Partial<HubCredentials>;
  } catch {
    // not logged in: the environment may still say everything
  }
  const url = env.BENTOC_HUB_URL || saved.url;
  const token = env.BENTOC_HUB_TOKEN || saved.token;
  if (!url) throw new BentocError('hub_not_configured', 'no hub is configured', { hint: 'run `bentoc login http://hub:5100 --token bch_…`, or set BENTOC_HUB_URL and BENTOC_HUB_TOKEN' });
  return { url: url.replace(/\/+$/, ''), token: token ?? '' };
}

/** Saved readable by the user only: the token is a secret. */
export async function saveCredentials(credentials: HubCredentials, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const file = credentialsFile(env);
  await mkdir(join(file, '..'), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
  return file;
}
