/**
 * The JSON body parser. Replaces fastify's, which reports every syntax error as the same opaque message:
 * ours names the position. Like fastify's, it parses with secure-json-parse, which refuses `__proto__` and
 * `constructor.prototype` keys (escaped spellings included) that could pollute prototypes if a handler merged
 * the body into another object; we then name the offending key.
 */
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { ApiError, errors } from '../errors.js';

const FORBIDDEN = /^Object contains forbidden (?:prototype|constructor) property/;

export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim().length === 0) return done(errors.emptyBody(), undefined);
    let value: unknown;
    try {
      value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      const message = (error as Error).message;
      if (!FORBIDDEN.test(message)) return done(errors.invalidJson(message), undefined);
      // Rare: parse again without the guard to say where the key is.
      const forbidden = findForbiddenKey(JSON.parse(text), 'body') ?? 'body';
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
