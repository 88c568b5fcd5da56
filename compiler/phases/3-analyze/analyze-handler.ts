import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { build, type Message, type Plugin } from 'esbuild';
import { BentocError, createDiagnostic, diagnose, type SourceSpan } from '../../diagnostics/index.js';
import type { ResolvedHandler } from '../2-validate/index.js';

export interface HandlerAnalysis {
  /** Bare package names the handler imports (directly or through its own files). */
  packages: string[];
  /** Files of the project the handler pulls in, for the content hash. */
  files: string[];
}

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * Compiles a handler with esbuild to learn what it imports and what it exports, without writing
 * anything: a missing file, a compile error or a missing export is reported at the bentofile's line.
 */
export async function analyzeHandler(handler: ResolvedHandler): Promise<HandlerAnalysis> {
  if (!existsSync(handler.file)) {
    throw new BentocError([diagnose('handler_not_found', handler.span, handler.file)]);
  }
  const packages = new Set<string>();
  const collectPackages: Plugin = {
    name: 'bentoc-collect-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (builtins.has(args.path) || args.path.startsWith('node:')) return { path: args.path, external: true };
        packages.add(packageNameOf(args.path));
        return { path: args.path, external: true };
      });
    },
  };
  let result;
  try {
    result = await build({
      entryPoints: [handler.file],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      logLevel: 'silent',
      outdir: 'out',
      plugins: [collectPackages],
    });
  } catch (error) {
    const messages: Message[] = (error as { errors?: Message[] }).errors ?? [];
    throw new BentocError(
      messages.length > 0
        ? messages.map((m) => createDiagnostic('handler_build_failed', m.text, { span: spanOfMessage(m) ?? handler.span }))
        : [createDiagnostic('handler_build_failed', (error as Error).message, { span: handler.span })],
    );
  }
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const exports = output?.exports ?? [];
  if (!exports.includes(handler.exportName)) {
    throw new BentocError([diagnose('handler_export_missing', handler.span, handler.file, handler.exportName, exports)]);
  }
  return {
    packages: [...packages].sort(),
    // esbuild reports inputs relative to the working directory.
    files: Object.keys(result.metafile.inputs).map((f) => resolve(f)).sort(),
  };
}

/** `@scope/pkg/sub` → `@scope/pkg`; `pkg/sub` → `pkg`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function spanOfMessage(message: Message): SourceSpan | undefined {
  if (!message.location) return undefined;
  return {
    file: resolve(message.location.file),
    start: { line: message.location.line, column: message.location.column + 1 },
  };
}
