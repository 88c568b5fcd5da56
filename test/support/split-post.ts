import { request } from 'node:http';

/**
 * A POST whose headers and first part of the body go out now and the rest when `finish` is called: a request that
 * is surely in flight (arriving) at a chosen moment, such as a SIGTERM.
 */
export function startSplitPost(url: string, firstPart: string): { response: Promise<{ status: number; body: string }>; finish(rest: string): void } {
  const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
  const response = new Promise<{ status: number; body: string }>((done, fail) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
  });
  req.flushHeaders();
  req.write(firstPart);
  return { response, finish: (rest) => req.end(rest) };
}
