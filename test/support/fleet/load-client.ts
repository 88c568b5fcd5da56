/**
 * Steady load through the balancer: a fixed number of workers, each sending the next request when its answer
 * arrives, on keep-alive connections. Every answer is recorded with its time and the replica that served it.
 */
import { Agent, request } from 'node:http';

export interface LoadResult {
  startedAt: number;
  endedAt: number;
  status: number;
  servedBy?: string;
  body: string;
  error?: string;
}

export interface Load {
  results: LoadResult[];
  /** Requests sent and not yet answered. */
  outstanding(): number;
  stop(): Promise<LoadResult[]>;
}

export function startLoad(url: string, body: string, concurrency: number): Load {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const results: LoadResult[] = [];
  let running = true;
  let outstanding = 0;
  const worker = async () => {
    while (running) {
      outstanding++;
      results.push(await post(url, body, agent));
      outstanding--;
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    results,
    outstanding: () => outstanding,
    stop: async () => {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return results;
    },
  };
}

function post(url: string, body: string, agent: Agent): Promise<LoadResult> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' }, timeout: 30_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({ startedAt, endedAt: performance.now(), status: res.statusCode ?? 0, servedBy: res.headers['x-served-by'] as string | undefined, body: text }),
      );
      res.on('error', (error) => resolve({ startedAt, endedAt: performance.now(), status: 0, body: text, error: error.message }));
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (error) => resolve({ startedAt, endedAt: performance.now(), status: 0, body: '', error: error.message }));
    req.end(body);
  });
}
