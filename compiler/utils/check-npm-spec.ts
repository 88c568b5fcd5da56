import { isAbsolute, relative } from 'node:path';
import npa from 'npm-package-arg';

export type NpmSpecCheck = { ok: true; name: string; spec: string } | { ok: false; reason: string };

/**
 * Reads an `env.npm.packages` entry the way `npm install <spec>` would (npm-package-arg), and keeps what a
 * bento can honour: a named registry package (`name`, `name@range`, `name@tag`, `alias@npm:name@range`), a git
 * or tarball URL, or a `file:` path inside the project. CLI flags (`-g`), a second `@` and paths that leave
 * the project are refused.
 */
export function checkNpmSpec(entry: string, projectDir: string): NpmSpecCheck {
  if (/^\s|\s$/.test(entry)) return { ok: false, reason: 'it has leading or trailing spaces' };
  if (entry.startsWith('-')) return { ok: false, reason: 'it is a command-line flag, not a package' };
  let parsed: npa.Result;
  try {
    parsed = npa(entry, projectDir);
  } catch (error) {
    return { ok: false, reason: firstSentence((error as Error).message) };
  }
  switch (parsed.type) {
    case 'range':
    case 'version':
    case 'tag':
    case 'alias':
      if (!parsed.name) return { ok: false, reason: 'it names no package' };
      if (parsed.name !== parsed.name.toLowerCase()) return { ok: false, reason: 'package names are lower case' };
      return { ok: true, name: parsed.name, spec: parsed.rawSpec || '*' };
    case 'git':
    case 'remote':
      if (!parsed.name) return { ok: false, reason: `a ${parsed.type} dependency needs a name: write \`name@${entry}\`` };
      return { ok: true, name: parsed.name, spec: parsed.rawSpec };
    case 'file':
    case 'directory': {
      const rel = relative(projectDir, parsed.fetchSpec ?? '');
      if (rel.startsWith('..') || isAbsolute(rel)) return { ok: false, reason: `\`${parsed.rawSpec}\` is outside the project folder` };
      if (!parsed.name) return { ok: false, reason: `a local dependency needs a name: write \`name@${entry}\`` };
      return { ok: true, name: parsed.name, spec: parsed.rawSpec };
    }
  }
}

function firstSentence(message: string): string {
  return message.replace(/\.$/, '').split('\n')[0]!.replace(/^Invalid/, 'invalid');
}
