import { isBentocError, renderDiagnostic, toJsonDiagnostic } from '../diagnostics/index.js';

/** Exit codes: 1 for anything the user can fix, 70 (EX_SOFTWARE) for a bentoc bug. */
export const exitCodes = { ok: 0, userError: 1, internalError: 70 } as const;

/** Prints a failure the way its cause deserves and returns the exit code. */
export async function reportFailure(error: unknown, rawArgs: string[], printUsage: () => Promise<void>): Promise<number> {
  const json = rawArgs.includes('--json');
  if (isBentocError(error)) {
    // One line, so it also reads as the last event of an NDJSON stream (containerize --json).
    if (json) console.log(JSON.stringify({ ok: false, diagnostics: error.diagnostics.map((d) => toJsonDiagnostic(d, process.cwd())) }));
    else for (const d of error.diagnostics) console.error(`${renderDiagnostic(d, { cwd: process.cwd(), color: useColor() })}\n`);
    return exitCodes.userError;
  }
  // citty's own argument errors (unknown command, missing positional) are usage errors.
  if (error instanceof Error && error.name === 'CLIError') {
    await printUsage().catch(() => undefined);
    console.error(`error: ${error.message}`);
    return exitCodes.userError;
  }
  console.error('bentoc: internal error — this is a bug in bentoc, please report it with the output below.');
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  return exitCodes.internalError;
}

export function useColor(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
}
