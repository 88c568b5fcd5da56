import { hostname } from 'node:os';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const stagingLimits = {
  /** A staging folder untouched this long is reclaimed whoever owns it (ms): no build writes for a day. */
  maxIdleMs: 24 * 60 * 60 * 1000,
  /** Even when its process is gone, a folder is left alone this long (ms), in case the pid was read wrong. */
  deadOwnerGraceMs: 60 * 1000,
} as const;

/** `build-<host>-<pid>-<random>`; folders from before the host was recorded are `build-<pid>-<random>`. */
const stagingName = /^build-(?:(.+)-)?(\d+)-[0-9a-f]+$/;

export function stagingFolderName(random: string): string {
  return `build-${hostTag()}-${process.pid}-${random}`;
}

/**
 * Removes staging folders that interrupted builds left in `<home>/tmp` (a killed build cannot clean up after
 * itself). A folder goes only when its build cannot still be running: its process, on this host, is gone, or
 * nothing has written to it for a day. Returns the folders removed.
 */
export async function reclaimStaging(tmpDir: string, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(tmpDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = stagingName.exec(name);
    if (!match) continue;
    const dir = join(tmpDir, name);
    const idleMs = now - (await stat(dir).catch(() => undefined))?.mtimeMs!;
    if (Number.isNaN(idleMs)) continue;
    const [, host, pid] = match;
    const ownerGone = (host === undefined || host === hostTag()) && !isAlive(Number(pid));
    if (idleMs > stagingLimits.maxIdleMs || (ownerGone && idleMs > stagingLimits.deadOwnerGraceMs)) {
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The host name, made safe for a folder name (and free of the `-<pid>-` separator's digits-only form). */
function hostTag(): string {
  return hostname().replace(/[^A-Za-z0-9_.]/g, '_') || 'host';
}
