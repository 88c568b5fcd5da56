/** Bench scripts that run in a Node process of their own and answer with one JSON line. */
import { spawn } from 'node:child_process';

/**
 * Runs a bench script (a path) in its own Node process: `started` resolves when it prints a first line (a script that
 * sets up before its measured part says so), `result` with the JSON of its last line.
 */
export function runJsonChild<T>(script: string, args: string[], input = ''): { started: Promise<void>; result: Promise<T> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let markStarted: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('\n')) markStarted();
  });
  child.stdin.end(input);
  const result = new Promise<T>((resolve, reject) =>
    child.on('exit', (code) => {
      markStarted();
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0) resolve(JSON.parse(last) as T);
      else reject(new Error(`${script} exited with ${code}`));
    }),
  );
  return { started, result };
}
