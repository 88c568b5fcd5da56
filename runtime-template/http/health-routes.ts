/** Liveness (`/healthz`, `/livez`: the process answers) and readiness (`/readyz`: models loaded, not draining). */
import type { FastifyInstance } from 'fastify';
import { errors } from '../errors.js';
import type { ModelPool } from '../model/create-model-pool.js';

export function registerHealthRoutes(app: FastifyInstance, pool: ModelPool, isClosing: () => boolean): void {
  const alive = JSON.stringify({ status: 'ok' });
  for (const path of ['/healthz', '/livez']) {
    app.get(path, async (_request, reply) => reply.type('application/json; charset=utf-8').send(alive));
  }
  app.get('/readyz', async (_request, reply) => {
    if (isClosing()) throw errors.shuttingDown();
    if (!pool.isReady()) throw errors.notReady();
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({ status: 'ready' }));
  });
}
