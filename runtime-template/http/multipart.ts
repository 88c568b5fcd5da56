/**
 * multipart/form-data uploads (image and file inputs), through @fastify/multipart. Parts are buffered into the
 * request body (`attachFieldsToBody`), bounded per file by the body limit and by a part count, since fastify's own
 * body limit does not see streamed parts.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { ApiError, errors } from '../errors.js';

/** Files per request: a client's own batch of images; more rows belong in several requests. */
const MAX_FILES = 64;

export function registerMultipart(app: FastifyInstance, bodyLimitBytes: number): void {
  void app.register(multipart, {
    attachFieldsToBody: true,
    limits: { fileSize: bodyLimitBytes, files: MAX_FILES, fields: 32, parts: MAX_FILES + 32 },
  });
}

/** Maps @fastify/multipart's errors (by code) to the catalog; undefined for anything else. */
export function toMultipartError(code: string | undefined, bodyLimitBytes: number): ApiError | undefined {
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return errors.bodyTooLarge(bodyLimitBytes);
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new ApiError('body_too_large', `multipart body has too many parts; at most ${MAX_FILES} files per request`, { maxFiles: MAX_FILES });
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_MP_PREMATURE_CLOSE':
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return errors.invalidInput('body', 'a well-formed multipart/form-data body', 'a malformed one');
    default:
      return undefined;
  }
}
