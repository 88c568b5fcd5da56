import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../compiler/store/index.js';
import { reclaimStaging, stagingFolderName, stagingLimits } from '../../compiler/store/reclaim-staging.js';
import { makeTempDir } from '../support/iris-project.js';

const homes: string[] = [];
afterEach(() => homes.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A pid that certainly belonged to a process and certainly no longer does. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function makeStaging(tmp: string, name: string, ageMs: number): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'server.mjs'), 'half a bento');
  const when = (Date.now() - ageMs) / 1000;
  utimesSync(dir, when, when);
  return dir;
}

it('reclaims staging folders of builds that died, and only those', async () => {
  const home = makeTempDir('home');
  homes.push(home);
  const tmp = join(home, 'tmp');
  const minute = 60_000;
  const killed = makeStaging(tmp, stagingFolderName('aaaa1111').replace(`-${process.pid}-`, `-${deadPid()}-`), 5 * minute);
  const killedOldStyle = makeStaging(tmp, `build-${deadPid()}-bbbb2222`, 5 * minute);
  const justDied = makeStaging(tmp, stagingFolderName('cccc3333').replace(`-${process.pid}-`, `-${deadPid()}-`), 1000);
  const running = makeStaging(tmp, stagingFolderName('dddd4444'), 5 * minute);
  const abandoned = makeStaging(tmp, stagingFolderName('eeee5555'), stagingLimits.maxIdleMs + minute);
  const otherHost = makeStaging(tmp, `build-otherhost-${deadPid()}-ffff6666`, 5 * minute);
  const notOurs = makeStaging(tmp, 'my-notes', 365 * 24 * 60 * minute);

  const removed = await reclaimStaging(tmp);
  expect(removed.sort()).toEqual([abandoned, killed, killedOldStyle].sort());
  for (const kept of [justDied, running, otherHost, notOurs]) expect(existsSync(kept), kept).toBe(true);
});

it('runs whenever a build stages a bento', async () => {
  const home = makeTempDir('home');
  homes.push(home);
  const tmp = join(home, 'tmp');
  const killed = makeStaging(tmp, `build-${deadPid()}-abcd0123`, 10 * 60_000);
  const store = openStore({ BENTOML_HOME: home });
  const staging = await store.createStaging();
  expect(existsSync(killed)).toBe(false);
  expect(readdirSync(tmp)).toEqual([staging.split('/').at(-1)]);
  await store.discardStaging(staging);
});
