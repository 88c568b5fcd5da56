import type { RepositoryKind } from '../db/schema.js';
import { HubError } from '../errors.js';

export type Access = 'read' | 'write';

/** Who a request acts as: a token (by its id and name), or the anonymous reader of a --public-read hub. */
export interface Principal {
  tokenId: string | null;
  name: string;
  admin: boolean;
  scopes: string[];
}

const scopePattern = /^(read|write):[a-z0-9_.*\/-]{1,128}$/;

/** `read:<pattern>` or `write:<pattern>`; a pattern with a `/` matches `bento/<name>` or `model/<name>`, else the name alone. */
export function checkScopes(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string' || !scopePattern.test(s))) {
    throw new HubError('bad_request', 'scopes must be a list like ["read:*", "write:bento/iris*", "write:model/*"]');
  }
  return value as string[];
}

/** Write implies read; admin implies everything. */
export function isAllowed(principal: Principal, access: Access, kind: RepositoryKind, name: string): boolean {
  if (principal.admin) return true;
  return principal.scopes.some((scope) => {
    const [granted, pattern] = [scope.slice(0, scope.indexOf(':')), scope.slice(scope.indexOf(':') + 1)];
    if (access === 'write' && granted !== 'write') return false;
    return globToRegExp(pattern).test(pattern.includes('/') ? `${kind}/${name}` : name);
  });
}

export function requireAccess(principal: Principal, access: Access, kind: RepositoryKind, name: string): void {
  if (!isAllowed(principal, access, kind, name)) {
    throw new HubError('forbidden', `token \`${principal.name}\` may not ${access} ${kind} \`${name}\``, { needed: `${access}:${kind}/${name}` });
  }
}

export function requireAdmin(principal: Principal): void {
  if (!principal.admin) throw new HubError('forbidden', `token \`${principal.name}\` is not an admin token`);
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
