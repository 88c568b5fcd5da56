/** Every error leaves as `{error: {code, message, details}}`; only real faults are 500s, and only those are logged loud. */
import type { FastifyError, FastifyInstance } from 'fastify';
import { DispatchError } from '../batching/dispatcher.js';
import { ApiError, errors } from '../errors.js';
import { toMultipartError } from './multipart.js';

/** Maps anything thrown on the request path to a catalog error. */
export function toApiError(error: unknown, bodyLimitBytes: number): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DispatchError) {
    switch (error.code) {
      case 'shed':
        return errors.overloaded(error.message, error.retryAfterSeconds);
      case 'too_large':
        return new ApiError('too_many_rows', error.message);
      case 'draining':
        return errors.shuttingDown();
      case 'aborted':
        return errors.requestAborted();
    }
  }
  const fastifyError = error as Partial<FastifyError> | null;
  const multipartError = toMultipartError(fastifyError?.code, bodyLimitBytes);
  if (multipartError) return multipartError;
  // busboy's own parse errors ("Unexpected end of form", "Malformed part header") carry no code.
  if (error instanceof Error && /^(Multipart: |Unexpected end of form|Malformed part header)/.test(error.message)) {
    return errors.invalidInput('body', 'a well-formed multipart/form-data body', error.message);
  }
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.bodyTooLarge(bodyLimitBytes);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.emptyBody();
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.invalidJson('it could not be parsed');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType(String(fastifyError.message ?? ''), ['application/json']);
  }
  if (error instanceof SyntaxError && fastifyError?.statusCode === 400) return errors.invalidJson(error.message);
  // Other client errors fastify detects (bad Content-Length, proto poisoning …) keep their status.
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError('invalid_input', fastifyError?.message ?? 'bad request', {}, { statusCode: status });
  }
  return errors.internal(error);
}

/**
 * Whether an answer is a fault of this server, logged loud: a 5xx other than 503 (not ready, shed, shutting down
 * are expected answers, by the thousand under overload). One rule for the API routes, v2 REST and gRPC.
 */
export function isServerFault(error: ApiError): boolean {
  return error.statusCode >= 500 && error.statusCode !== 503;
}

export function installErrorHandling(app: FastifyInstance, bodyLimitBytes: number): void {
  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error, bodyLimitBytes);
    if (isServerFault(apiError)) {
      request.log.error({ err: apiError.cause ?? error, code: apiError.code }, apiError.message);
    }
    if (apiError.retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.ceil(apiError.retryAfterSeconds)));
    // Fastify gives errors from the body parser status 400+; what we send is decided here alone.
    reply.code(apiError.statusCode).type('application/json; charset=utf-8').send(JSON.stringify(apiError.toJSON()));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = errors.notFound(request.method, request.url.split('?')[0]!);
    reply.code(404).type('application/json; charset=utf-8').send(JSON.stringify(error.toJSON()));
  });
}
