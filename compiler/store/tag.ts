import { BentocError, diagnose } from '../diagnostics/index.js';

export interface BentoTag {
  name: string;
  /** A version, or `latest`. */
  version: string;
}

const namePattern = /^[a-z0-9_][a-z0-9_.-]*$/;
const versionPattern = /^[a-z0-9_][a-z0-9_.-]*$/;

/** `name`, `name:latest` or `name:version`; names are case-insensitive as in the bentofile. */
export function parseTag(tag: string): BentoTag {
  const [rawName, rawVersion, ...rest] = tag.trim().split(':');
  const name = (rawName ?? '').toLowerCase();
  const version = rawVersion === undefined || rawVersion === '' ? 'latest' : rawVersion;
  if (rest.length > 0 || !namePattern.test(name) || !versionPattern.test(version)) {
    throw new BentocError([diagnose('bad_tag', undefined, tag)]);
  }
  return { name, version };
}

export function formatTag(tag: BentoTag): string {
  return `${tag.name}:${tag.version}`;
}
