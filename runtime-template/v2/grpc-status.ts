/** An error on the request path as a gRPC status: the HTTP status it would get, mapped the way gRPC gateways do. */
import { status as Status, Metadata, type ServerErrorResponse } from '@grpc/grpc-js';
import type { ApiError } from '../errors.js';

const BY_HTTP_STATUS: Record<number, Status> = {
  400: Status.INVALID_ARGUMENT,
  404: Status.NOT_FOUND,
  413: Status.RESOURCE_EXHAUSTED,
  415: Status.INVALID_ARGUMENT,
  499: Status.CANCELLED,
  503: Status.UNAVAILABLE,
  504: Status.DEADLINE_EXCEEDED,
};

/** The catalog code travels in the `bento-error-code` trailer, Retry-After in `retry-after`. */
export function toGrpcError(error: ApiError): ServerErrorResponse {
  const metadata = new Metadata();
  metadata.set('bento-error-code', error.code);
  if (error.retryAfterSeconds !== undefined) metadata.set('retry-after', String(Math.ceil(error.retryAfterSeconds)));
  const code = BY_HTTP_STATUS[error.statusCode] ?? Status.INTERNAL;
  return Object.assign(new Error(error.message), { code, details: error.message, metadata });
}
