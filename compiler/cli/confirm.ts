import { createInterface } from 'node:readline/promises';
import { BentocError } from '../diagnostics/index.js';

/** Asks "<question> [y/N]" on a terminal; without one, refuses unless the user passed -y. */
export async function confirm(question: string, yes: boolean | undefined, what: string): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    throw new BentocError('bad_cli_input', `refusing to ${what} without confirmation`, { hint: 'pass -y to skip the prompt' });
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}
