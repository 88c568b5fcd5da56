import { requireAccess, type Access, type Principal } from '../auth/scopes.js';
import type { RepositoryKind } from '../db/schema.js';
import { checkKind, checkName } from '../names.js';

/** `{kind: 'bentos'|'models', name}` from a URL → checked names, after checking the principal may `access` them. */
export function authorizeTarget(params: { kind?: string; name?: string }, principal: Principal, access: Access): { kind: RepositoryKind; name: string } {
  const kind = checkKind(params.kind ?? '');
  const name = checkName(params.name, 'repository');
  requireAccess(principal, access, kind, name);
  return { kind, name };
}
