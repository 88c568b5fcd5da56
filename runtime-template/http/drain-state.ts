/**
 * What the app does while the process shuts down. `draining`: /readyz says 503, so a load balancer stops
 * sending; requests are still served as usual (during DRAIN_DELAY_MS). `refusing`: every answer carries
 * `Connection: close`, and a request that still arrives gets a 503 + Retry-After. Keep-alive is left alone
 * while only draining: closing connections then would make clients reconnect at once, and a connection still
 * in the accept queue when the server stops listening is reset by the kernel after its request was sent.
 */
export interface DrainState {
  draining: boolean;
  refusing: boolean;
}

export function createDrainState(): DrainState {
  return { draining: false, refusing: false };
}

/**
 * Idle keep-alive time in ms, sent to clients as `Keep-Alive: timeout=5`. Clients that honour the hint (undici,
 * Node's agent, most proxies) drop an idle socket before it, so the server may close a socket idle this long
 * (plus a margin) without racing a request the client is writing: the drain relies on that. It is also how
 * long a drain waits for an idle connection, so it is short (Node's default) rather than fastify's 72 s.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
