import { HubError } from '../errors.js';
import type { ListQuery } from '../registry/versions.js';

/** `?q=&label=k=v&label=…&limit=&offset=` → a bounded list query. */
export function parseListQuery(query: Record<string, unknown>): ListQuery {
  const limit = toInt(query.limit, 50, 'limit');
  const offset = toInt(query.offset, 0, 'offset');
  if (limit < 1 || limit > 500) throw new HubError('bad_request', 'limit must be 1…500');
  const raw = query.label === undefined ? [] : Array.isArray(query.label) ? query.label : [query.label];
  const labels = raw.filter((l): l is string => typeof l === 'string' && l !== '').map((l) => {
    const eq = l.indexOf('=');
    if (eq < 1) throw new HubError('bad_request', `label filter \`${l}\` is not key=value`);
    return [l.slice(0, eq), l.slice(eq + 1)] as [string, string];
  });
  const search = typeof query.q === 'string' && query.q.trim() !== '' ? query.q.trim() : undefined;
  return { limit, offset, labels, search };
}

/** A query-string whole number ≥ 0; `fallback` when absent or empty; a `bad_request` when anything else. */
export function toInt(value: unknown, fallback: number, what: string): number;
export function toInt(value: unknown, fallback: undefined, what: string): number | undefined;
export function toInt(value: unknown, fallback: number | undefined, what: string): number | undefined {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new HubError('bad_request', `${what} must be a whole number`);
  return n;
}
