import type { FastifyError, FastifyInstance } from 'fastify';
import { HubError, toErrorBody } from '../errors.js';

/** Every failure leaves as `{error: {code, message}}`; a 500 is logged with its stack and says so. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HubError, request, reply) => {
    if (error instanceof HubError) return reply.status(error.status).send(toErrorBody(error.code, error.message, error.details));
    if (error.validation) return reply.status(400).send(toErrorBody('bad_request', error.message));
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(toErrorBody(error.statusCode === 413 ? 'body_too_large' : 'bad_request', error.message));
    }
    request.log.error({ err: error }, 'internal error');
    return reply.status(500).send(toErrorBody('internal', 'internal hub error; the hub log has the details'));
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send(toErrorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)));
}
