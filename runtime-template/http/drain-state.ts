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
  /** When refusing began (performance.now() ms): a request that arrived before it was accepted and is served. */
  refusingSince: number;
}

export function createDrainState(): DrainState {
  return { draining: false, refusing: false, refusingSince: Number.POSITIVE_INFINITY };
}

/** From now on, requests that arrive are refused (idempotent). */
export function startRefusing(state: DrainState): void {
  if (state.refusing) return;
  state.draining = true;
  state.refusing = true;
  state.refusingSince = performance.now();
}

/**
 * Idle keep-alive time in ms unless the bentofile sets `runtime.keep_alive_timeout_ms`, sent to clients as
 * `Keep-Alive: timeout=10`. Clients that honour the hint (undici drops an idle socket 2 s before it, Node's agent
 * 1 s) stop using a socket before the server closes it, so the drain may close a connection quiet this long (+1 s,
 * as Node does) without racing a request being written. It is also the longest a drain waits for an idle
 * connection: shorter than fastify's 72 s, longer than Node's 5 s, whose 3 s margin a client's event loop overran
 * on a 2-core machine under CPU hogs ("other side closed"). Behind a load balancer it must exceed the balancer's
 * idle timeout, which is why it is a setting.
 */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 10_000;

/** The bento's idle keep-alive time, ms. */
export function keepAliveTimeoutOf(runtime: { keepAliveTimeoutMs?: number }): number {
  return runtime.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS;
}
