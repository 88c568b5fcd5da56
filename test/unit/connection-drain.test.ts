/** trackConnections on a real http.Server and raw sockets: what is closed at a drain, and when. */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { trackConnections } from '../../runtime-template/serve/connection-drain.js';

const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.closeAllConnections()));

/** A server that answers every request "ok", with `Connection: close` once `closing()` says so (as the app does). */
async function startServer(closing: () => boolean): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => {
    if (closing()) response.setHeader('connection', 'close');
    response.end('ok');
  });
  server.keepAliveTimeout = 60_000;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Reads until a full "ok" response has arrived; resolves with the raw text. */
function readResponse(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.endsWith('\r\n\r\nok')) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

const REQUEST = 'GET / HTTP/1.1\r\nHost: test\r\n\r\n';

describe('trackConnections', () => {
  it('keeps an idle keep-alive connection open at the drain, so a request sent on it then is answered, not reset', async () => {
    let closing = false;
    const { server, port } = await startServer(() => closing);
    const connections = trackConnections(server, 60_000);
    const socket = await open(port);
    socket.write(REQUEST);
    expect(await readResponse(socket)).toMatch(/connection: keep-alive/i);
    await connections.stopAccepting();
    closing = true;
    const drained = connections.drain();
    socket.write(REQUEST); // after the server stopped listening, on the connection it had left idle
    const answer = await readResponse(socket);
    expect(answer).toMatch(/^HTTP\/1.1 200/);
    expect(answer).toMatch(/connection: close/i);
    await drained;
    expect(connections.openCount()).toBe(0);
  });

  it('answers a request whose first bytes had arrived before the drain', async () => {
    let closing = false;
    const { server, port } = await startServer(() => closing);
    const connections = trackConnections(server, 60_000);
    const socket = await open(port);
    socket.write('GET / HTTP/1.1\r\n');
    await connections.stopAccepting();
    closing = true;
    const drained = connections.drain();
    socket.write('Host: test\r\n\r\n');
    expect(await readResponse(socket)).toMatch(/connection: close/i);
    await drained;
  });

  it('closes a connection that stays quiet past the idle time, and stops accepting new ones', async () => {
    const { server, port } = await startServer(() => true);
    const connections = trackConnections(server, 50);
    const socket = await open(port);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await connections.stopAccepting();
    await connections.drain();
    await closed;
    await expect(open(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
