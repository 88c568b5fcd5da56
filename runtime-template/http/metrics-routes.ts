/** `GET /metrics` and the per-request counters and latency that feed it. */
import type { FastifyInstance } from 'fastify';
import type { RuntimeMetrics } from '../metrics/create-metrics.js';

export function registerMetrics(app: FastifyInstance, metrics: RuntimeMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL, keeps label cardinality bounded; unmatched URLs share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, method: request.method, status: reply.statusCode });
    // By status class, so the latency of answers is not diluted by fast refusals (a shedding server's 503s).
    const statusClass = `${Math.floor(reply.statusCode / 100)}xx`;
    metrics.requestDuration.observe({ route, status_class: statusClass }, reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
