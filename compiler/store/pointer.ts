import { readFile, rename, writeFile } from 'node:fs/promises';

/** Reads a one-line pointer file (`latest`); a missing or empty one means "none". */
export async function readPointer(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Writes a pointer file atomically: a reader sees the old version or the new one, never half a line. */
export async function writePointer(file: string, value: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${value}\n`);
  await rename(temp, file);
}
