/**
 * Every error the hub answers with, by stable code, in the runtime's `{error: {code, message}}` shape.
 * Codes never change meaning once released.
 */
export const hubErrorCatalog = {
  token_missing: { status: 401, title: 'No API token was sent (Authorization: Bearer …)' },
  token_invalid: { status: 401, title: 'The token is unknown or revoked' },
  token_expired: { status: 401, title: 'The token has expired' },
  forbidden: { status: 403, title: "The token's scopes do not cover this action" },
  csrf_failed: { status: 403, title: 'A form was posted without this session’s CSRF token' },
  not_found: { status: 404, title: 'No such repository, version, alias, upload or token' },
  invalid_name: { status: 400, title: 'A repository, version, alias or label name is not allowed' },
  bad_request: { status: 400, title: 'The request is malformed' },
  version_exists: { status: 409, title: 'That version exists with different content (versions are immutable)' },
  upload_offset_mismatch: { status: 409, title: 'A chunk does not start where the upload stands' },
  upload_incomplete: { status: 409, title: 'The upload has fewer bytes than announced' },
  chunk_too_large: { status: 413, title: 'A chunk is larger than the hub accepts, or past the announced size' },
  body_too_large: { status: 413, title: 'A JSON or form body is larger than the hub accepts (1 MiB)' },
  manifest_too_large: { status: 413, title: 'The manifest inside the archive is larger than the hub accepts' },
  digest_mismatch: { status: 422, title: 'The uploaded bytes do not hash to the announced sha256' },
  manifest_invalid: { status: 422, title: 'The archive holds no valid manifest, or one for another name/version' },
  internal: { status: 500, title: 'An internal hub error' },
} as const;

export type HubErrorCode = keyof typeof hubErrorCatalog;

export class HubError extends Error {
  readonly status: number;

  constructor(
    readonly code: HubErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.status = hubErrorCatalog[code].status;
  }
}

export function toErrorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details && { details }) } };
}
