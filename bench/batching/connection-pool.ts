/**
 * Keep-alive connections for the open-loop generator: one undici `Client` per connection, one request at a
 * time on each (no pipelining, so a slow answer never holds up another request), idle ones on a stack.
 * undici's own Pool scans its whole client list twice per request, which with the thousands of connections an
 * overloaded server keeps busy was most of this process's CPU: on 2 cores, CPU taken from the server under test.
 * Past `maxConnections` (file descriptors are finite) requests wait for a connection, in order, like an HTTP
 * agent's queue: their latency still counts from their scheduled time.
 */
import { Client } from 'undici';

export interface Exchange {
  status: number;
  retryAfter: boolean;
}

export interface ConnectionPool {
  /** POSTs `body` on an idle connection, a new one, or the first to free up. */
  post(path: string, body: Uint8Array): { done: Promise<Exchange>; cancel(): void };
  /**
   * Opens connections (a GET of `path` on each) until `count` are idle, as a fleet of keep-alive clients
   * would hold: opening a thousand at once when a level starts overflows the server's accept queue and
   * measures TCP's SYN retry timer instead of the server.
   */
  warm(count: number, path: string): Promise<void>;
  close(): Promise<void>;
}

interface Waiting {
  start(client: Client): void;
  cancelled: boolean;
}

export function createConnectionPool(origin: string, maxConnections: number): ConnectionPool {
  const idle: Client[] = [];
  const all = new Set<Client>();
  const waiting: Waiting[] = [];

  const open = (): Client => {
    const client = new Client(origin, { pipelining: 1, keepAliveTimeout: 30_000 });
    all.add(client);
    return client;
  };
  const retire = (client: Client): void => {
    all.delete(client);
    void client.destroy().catch(() => undefined);
    handOver(undefined);
  };
  /** A connection is free (or one may be opened): the oldest live waiter gets it, else it goes idle. */
  const handOver = (client: Client | undefined): void => {
    while (waiting.length > 0 && waiting[0]!.cancelled) waiting.shift();
    const next = waiting.shift();
    if (next) next.start(client ?? open());
    else if (client) idle.push(client);
  };
  const acquire = (): Client | undefined => idle.pop() ?? (all.size < maxConnections ? open() : undefined);

  return {
    post(path, body) {
      let cancelled = false;
      let current: Client | undefined;
      let resolveDone!: (exchange: Exchange) => void;
      let rejectDone!: (error: unknown) => void;
      const done = new Promise<Exchange>((resolve, reject) => {
        resolveDone = resolve;
        rejectDone = reject;
      });
      const start = (client: Client): void => {
        current = client;
        client
          .request({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body })
          .then(async (res) => {
            await res.body.dump(); // only the end of the body matters here (the e2e tests check contents)
            if (!cancelled) handOver(client);
            resolveDone({ status: res.statusCode, retryAfter: res.headers['retry-after'] !== undefined });
          })
          .catch((error: unknown) => {
            if (!cancelled) retire(client);
            rejectDone(error);
          });
      };
      const client = acquire();
      const waiter: Waiting = { start, cancelled: false };
      if (client) start(client);
      else waiting.push(waiter);
      return {
        done,
        cancel() {
          cancelled = true;
          waiter.cancelled = true;
          // Destroying the connection is the cheapest way to abandon its one request.
          if (current) retire(current);
        },
      };
    },
    async warm(count, path) {
      const wanted = Math.min(count, maxConnections - (all.size - idle.length)) - idle.length;
      const fresh = Array.from({ length: Math.max(0, wanted) }, open);
      await Promise.all(
        fresh.map(async (client) => {
          const res = await client.request({ method: 'GET', path });
          await res.body.dump();
          idle.push(client);
        }),
      );
    },
    async close() {
      waiting.length = 0;
      await Promise.all([...all].map((client) => client.destroy().catch(() => undefined)));
      all.clear();
      idle.length = 0;
    },
  };
}
