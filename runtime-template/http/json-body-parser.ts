/**
 * The JSON body parser. Replaces fastify's, which reports every syntax error as the same opaque message:
 * ours names the position. Like fastify's (secure-json-parse), it refuses `__proto__` and `constructor.prototype`
 * keys, which could pollute prototypes if a handler merged the body into another object.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError, errors } from '../errors.js';

const SUSPICIOUS = /"(?:__proto__|constructor)"\s*:/;

export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim().length === 0) return done(errors.emptyBody(), undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return done(errors.invalidJson((error as Error).message), undefined);
    }
    // The scan only runs for the rare body whose text mentions a dangerous key.
    const forbidden = SUSPICIOUS.test(text) ? findForbiddenKey(value, 'body') : undefined;
    if (forbidden) {
      return done(new ApiError('invalid_input', `${forbidden}: forbidden key in request body`, { field: forbidden }), undefined);
    }
    done(null, value);
  });
}

function findForbiddenKey(value: unknown, path: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (Object.hasOwn(value, '__proto__')) return `${path}.__proto__`;
  const constructor = (value as Record<string, unknown>).constructor;
  if (Object.hasOwn(value, 'constructor') && constructor !== null && typeof constructor === 'object' && Object.hasOwn(constructor, 'prototype')) {
    return `${path}.constructor.prototype`;
  }
  for (const [key, child] of Object.entries(value)) {
    const found = findForbiddenKey(child, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}
