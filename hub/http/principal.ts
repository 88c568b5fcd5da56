import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/scopes.js';

/** The principal the auth hook attached; routes run only after it, so a missing one is a bug. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = (request as FastifyRequest & { principal?: Principal }).principal;
  if (!principal) throw new Error(`no principal on ${request.method} ${request.url}: the auth hook did not run`);
  return principal;
}

export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  (request as FastifyRequest & { principal?: Principal }).principal = principal;
}
