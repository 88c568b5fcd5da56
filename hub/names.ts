import type { RepositoryKind } from './db/schema.js';
import { HubError } from './errors.js';

/** The store's name rule, plus a length cap and no `..`: names end up in URLs, archives and shell commands. */
const namePattern = /^[a-z0-9_][a-z0-9_.-]{0,127}$/;
const labelKeyPattern = /^[A-Za-z0-9_][A-Za-z0-9_.\/-]{0,62}$/;

export function checkName(value: unknown, what: 'repository' | 'version' | 'alias'): string {
  if (typeof value !== 'string' || !namePattern.test(value) || value.includes('..')) {
    const shown = JSON.stringify(typeof value === 'string' ? value.slice(0, 80) : value);
    throw new HubError('invalid_name', `${what} name ${shown} is not allowed: use a-z, 0-9, _ . - (no \`..\`, \`/\` or control characters), at most 128 characters`);
  }
  return value;
}

export function checkKind(value: string): RepositoryKind {
  if (value === 'bentos') return 'bento';
  if (value === 'models') return 'model';
  throw new HubError('not_found', `no such collection \`${value}\`: use bentos or models`);
}

export function checkLabels(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HubError('bad_request', 'labels must be an object of strings');
  const entries = Object.entries(value);
  if (entries.length > 64) throw new HubError('bad_request', 'at most 64 labels');
  for (const [key, v] of entries) {
    if (!labelKeyPattern.test(key)) throw new HubError('invalid_name', `label key ${JSON.stringify(key.slice(0, 80))} is not allowed`);
    if (typeof v !== 'string' || v.length > 256 || /[\u0000-\u001f\u007f]/.test(v)) throw new HubError('bad_request', `label \`${key}\` must be a one-line string of at most 256 characters`);
  }
  return value as Record<string, string>;
}

export function checkDigest(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value)) throw new HubError('bad_request', 'digest must be a sha256 in lower-case hex (64 characters)');
  return value;
}
