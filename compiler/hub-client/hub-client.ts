import { BentocError } from '../diagnostics/index.js';
import type { HubCredentials } from './credentials.js';

export interface HubErrorBody {
  error?: { code?: string; message?: string; details?: Record<string, unknown> };
}

/** A failed hub answer, kept whole so callers can act on its code (e.g. resume at `details.offset`). */
export class HubRequestError extends BentocError {
  constructor(
    readonly status: number,
    readonly hubCode: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super('hub_error', `hub answered ${status} ${hubCode}: ${message}`, { hint: hintFor(status) });
  }
}

function hintFor(status: number): string {
  if (status === 401) return 'log in again with a valid token: `bentoc login URL --token bch_…` (or set BENTOC_HUB_TOKEN)';
  if (status === 403) return 'ask a hub admin for a token whose scopes cover this repository';
  if (status === 404) return 'check the name and version (`bentoc pull name:version`), or the hub URL';
  return 'the message above says what the hub did not accept';
}

/** fetch against the hub with its token; hub errors become HubRequestError, a dead socket hub_unreachable. */
export async function hubFetch(credentials: HubCredentials, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (credentials.token) headers.set('authorization', `Bearer ${credentials.token}`);
  let response: Response;
  try {
    response = await fetch(`${credentials.url}${path}`, { ...init, headers });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new BentocError('hub_unreachable', `cannot reach the hub at ${credentials.url} (${cause?.code ?? cause?.message ?? (error as Error).message})`, {
      hint: 'is `bentoc hub serve` running there? check the URL given to `bentoc login` or BENTOC_HUB_URL',
    });
  }
  if (response.ok) return response;
  const body = (await response.json().catch(() => ({}))) as HubErrorBody;
  throw new HubRequestError(response.status, body.error?.code ?? 'unknown', body.error?.message ?? response.statusText, body.error?.details);
}

export async function hubJson<T>(credentials: HubCredentials, path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.body && typeof init.body === 'string') headers.set('content-type', 'application/json');
  return (await (await hubFetch(credentials, path, { ...init, headers })).json()) as T;
}
