/**
 * onnxruntime writes a file into TMPDIR for every process that creates a session (`mat-debug-<pid>.log`, empty).
 * A bench starts dozens of servers: pointing TMPDIR into its own temporary root, before any server or session
 * starts, keeps those files there, and they are removed with the root.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export function usePrivateTmpdir(root: string): void {
  const dir = join(root, 'tmp');
  mkdirSync(dir, { recursive: true });
  process.env.TMPDIR = dir; // inherited by every child process; read by onnxruntime in this one too
}
