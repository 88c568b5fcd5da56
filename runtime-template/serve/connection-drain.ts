/**
 * Closes an HTTP server's connections at shutdown without losing an answer. Node's `server.close()` destroys
 * every connection it deems idle at once, including one whose next request is already on the wire (the client
 * sees ECONNRESET after writing it) and one whose last answer is still being flushed. Instead: stop accepting,
 * let each connection with a request in progress finish (its answer carries `Connection: close`, so Node ends
 * it), and close an idle one only once it has been quiet longer than the keep-alive time the clients were
 * told, when no well-behaved client will send on it any more; any byte read in between restarts that wait.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

export interface ConnectionDrain {
  /** Stops accepting connections, once the kernel's accept queue is empty (see below). */
  stopAccepting(): Promise<void>;
  /** Resolves once every open connection has closed; call after `stopAccepting`. */
  drain(): Promise<void>;
  /** Connections open now. */
  openCount(): number;
}

interface ConnectionState {
  inFlight: number;
  idleSince: number;
  bytesReadWhenIdle: number;
  timer?: NodeJS.Timeout;
}

/** Tracks the server's connections from now on; `idleCloseMs` is how long a connection must be quiet to close. */
export function trackConnections(server: Server, idleCloseMs: number): ConnectionDrain {
  const connections = new Map<Socket, ConnectionState>();
  let draining = false;
  let resolveDrained: (() => void) | undefined;

  const closeWhenQuiet = (socket: Socket, state: ConnectionState) => {
    clearTimeout(state.timer);
    if (state.inFlight > 0) return;
    if (socket.bytesRead !== state.bytesReadWhenIdle) {
      // Bytes came after the last answer: the start of a request (its 'request' event follows), or the
      // unread rest of a refused body. Either way the connection is not quiet yet.
      state.idleSince = performance.now();
      state.bytesReadWhenIdle = socket.bytesRead;
    }
    const quietFor = performance.now() - state.idleSince;
    if (quietFor >= idleCloseMs) socket.destroy();
    else state.timer = setTimeout(() => closeWhenQuiet(socket, state), idleCloseMs - quietFor);
  };

  server.on('connection', (socket: Socket) => {
    const state: ConnectionState = { inFlight: 0, idleSince: performance.now(), bytesReadWhenIdle: 0 };
    connections.set(socket, state);
    socket.once('close', () => {
      clearTimeout(state.timer);
      connections.delete(socket);
      if (draining && connections.size === 0) resolveDrained?.();
    });
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    const state = connections.get(socket);
    if (!state) return;
    state.inFlight += 1;
    clearTimeout(state.timer);
    response.once('close', () => {
      state.inFlight -= 1;
      if (state.inFlight > 0) return;
      state.idleSince = performance.now();
      state.bytesReadWhenIdle = socket.bytesRead;
      if (draining && !socket.destroyed) closeWhenQuiet(socket, state);
    });
  });

  return {
    openCount: () => connections.size,
    stopAccepting: () => closeListenerWhenQueueEmpty(server),
    drain: async () => {
      draining = true;
      if (connections.size === 0) return;
      const drained = new Promise<void>((resolve) => (resolveDrained = resolve));
      for (const [socket, state] of connections) closeWhenQuiet(socket, state);
      await drained;
    },
  };
}

/** Longest wait for the accept queue to empty before the listener closes anyway (clients connecting non-stop). */
const ACCEPT_QUIET_MAX_MS = 1_000;

/**
 * Stops listening once the kernel's accept queue is empty. A connection still queued there when the listener
 * closes is reset by the kernel, though its client may already have sent a request: a lost answer. Node
 * accepts everything queued at each event-loop poll, and a busy loop (parsing a burst of bodies) polls seldom,
 * so wait until a whole poll passes without a new connection, then close at once. Call it before answers
 * carry `Connection: close`: clients reconnecting then would keep the queue full. net.Server's close only
 * stops listening; http.Server's would also destroy the connections it deems idle.
 */
async function closeListenerWhenQueueEmpty(server: Server): Promise<void> {
  let accepted = 0;
  const count = () => (accepted += 1);
  server.on('connection', count);
  const giveUpAt = performance.now() + ACCEPT_QUIET_MAX_MS;
  try {
    for (;;) {
      const before = accepted;
      // Two check phases apart there is always a poll phase in between.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      if (accepted === before || performance.now() > giveUpAt) break;
    }
  } finally {
    server.off('connection', count);
  }
  NetServer.prototype.close.call(server);
}
