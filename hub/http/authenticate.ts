import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/scopes.js';
import { authenticateToken } from '../auth/tokens.js';
import type { HubContext } from '../context.js';
import { HubError } from '../errors.js';

/** The reader a --public-read hub lets in without a token: reads only. */
export const anonymousReader: Principal = { tokenId: null, name: 'anonymous', admin: false, scopes: ['read:*'] };

/** Bearer token → principal; no token → anonymous on a --public-read hub for GETs, else 401. */
export async function authenticateRequest(ctx: HubContext, request: FastifyRequest): Promise<Principal> {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new HubError('token_invalid', 'the Authorization header must be `Bearer <token>`');
    return authenticateToken(ctx.db, match[1]!);
  }
  if (ctx.options.publicRead && (request.method === 'GET' || request.method === 'HEAD')) return anonymousReader;
  throw new HubError('token_missing', 'this hub needs an API token: send `Authorization: Bearer <token>` (create one with `bentoc hub token create`)');
}
