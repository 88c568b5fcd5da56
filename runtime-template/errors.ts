/**
 * The catalog of errors a bento's HTTP API answers with. Every response error is
 * `{ error: { code, message, details } }`; `code` is stable (clients may branch on it), `message` is for humans.
 */

export const ERROR_STATUS = {
  invalid_json: 400,
  empty_body: 400,
  invalid_input: 400,
  dtype_mismatch: 400,
  shape_mismatch: 400,
  ragged_array: 400,
  empty_input: 400,
  schema_violation: 400,
  /** The bytes are not a PNG/JPEG (or other format the decoder reads), or are truncated. */
  invalid_image: 400,
  /** A dataframe body lacks a declared column. */
  missing_column: 400,
  /** A dataframe body has a column the API does not declare. */
  unknown_column: 400,
  /** A handler threw an error carrying a 4xx `statusCode`: the handler judged the input bad. */
  handler_rejected: 400,
  not_found: 404,
  body_too_large: 413,
  /** The request carries more rows than the API's `max_batch_size`. */
  too_many_rows: 413,
  /** A decoded image has more pixels than the API's `max_pixels`. */
  image_too_large: 413,
  unsupported_media_type: 415,
  /** Client went away before the answer; logged, rarely seen by anyone. */
  request_aborted: 499,
  model_failed: 500,
  /** A batched call's output could not be cut back into its requests (its size along the batch axis is off). */
  batch_split_failed: 500,
  handler_failed: 500,
  internal_error: 500,
  not_ready: 503,
  /** Shed by the batcher: the request could no longer meet its latency target. */
  overloaded: 503,
  shutting_down: 503,
  timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options: { statusCode?: number; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    const statusCode = options.statusCode ?? ERROR_STATUS[code];
    // Only an internal fault (500) needs its stack: the rest are answers to the client, and under load
    // (a 503 per shed request) capturing stacks was a measurable share of the main thread's time.
    const stackTraceLimit = Error.stackTraceLimit;
    if (statusCode !== 500) Error.stackTraceLimit = 0;
    super(message, { cause: options.cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
  readonly retryAfterSeconds: number | undefined;

  toJSON(): { error: { code: ErrorCode; message: string; details: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** Typed constructors, one per input problem, so messages stay uniform: field, expected, got. */
export const errors = {
  invalidJson: (reason: string) => new ApiError('invalid_json', `request body is not valid JSON: ${reason}`),
  emptyBody: () => new ApiError('empty_body', 'request body is empty; send a JSON document'),
  invalidInput: (field: string, expected: string, got: string, hint?: string) =>
    new ApiError('invalid_input', `${field}: expected ${expected}, got ${got}${hint ? ` (${hint})` : ''}`, { field, expected, got }),
  dtypeMismatch: (field: string, dtype: string, got: string) =>
    new ApiError('dtype_mismatch', `${field}: expected ${describeDtype(dtype)}, got ${got}`, { field, expected: dtype, got }),
  shapeMismatch: (field: string, expected: string, got: string, hint?: string) =>
    new ApiError('shape_mismatch', `${field}: expected shape ${expected}, got ${got}${hint ? ` (${hint})` : ''}`, {
      field,
      expected,
      got,
    }),
  raggedArray: (field: string, expected: string, got: string) =>
    new ApiError('ragged_array', `${field}: ragged array, expected ${expected}, got ${got}`, {
      field,
      expected,
      got,
    }),
  emptyInput: (field: string) => new ApiError('empty_input', `${field}: expected at least one row, got none`, { field }),
  schemaViolation: (message: string, violations: unknown[]) =>
    new ApiError('schema_violation', message, { violations }),
  invalidImage: (field: string, reason: string) =>
    new ApiError('invalid_image', `${field}: expected a PNG or JPEG image, got ${reason}`, { field, expected: 'image/png or image/jpeg', got: reason }),
  imageTooLarge: (field: string, maxPixels: number) =>
    new ApiError('image_too_large', `${field}: image has more than ${maxPixels} pixels, the most this API decodes`, { field, maxPixels }),
  missingColumn: (field: string, column: string, declared: readonly string[]) =>
    new ApiError('missing_column', `${field}: column "${column}" is missing (expected columns: ${declared.join(', ')})`, { field, column, expected: declared }),
  unknownColumn: (field: string, column: string, declared: readonly string[]) =>
    new ApiError('unknown_column', `${field}: unknown column "${column}" (expected columns: ${declared.join(', ')})`, { field, column, expected: declared }),
  notFound: (method: string, url: string) => new ApiError('not_found', `no route ${method} ${url}`, { method, url }),
  bodyTooLarge: (limitBytes: number) =>
    new ApiError('body_too_large', `request body exceeds the limit of ${limitBytes} bytes`, { limitBytes }),
  tooManyRows: (rows: number, maxBatchSize: number) =>
    new ApiError('too_many_rows', `request carries ${rows} rows; this API accepts at most ${maxBatchSize}`, { rows, maxBatchSize }),
  unsupportedMediaType: (got: string, accepted: readonly string[]) =>
    new ApiError('unsupported_media_type', `expected Content-Type ${accepted.join(' or ')}, got ${got || 'none'}`, {
      expected: accepted,
      got,
    }),
  notReady: () => new ApiError('not_ready', 'models are still loading; retry shortly', {}, { retryAfterSeconds: 1 }),
  overloaded: (message: string, retryAfterSeconds = 1) =>
    new ApiError('overloaded', message, {}, { retryAfterSeconds }),
  shuttingDown: () => new ApiError('shutting_down', 'the server is shutting down', {}, { retryAfterSeconds: 1 }),
  requestAborted: () => new ApiError('request_aborted', 'the client closed the request'),
  timeout: (ms: number) => new ApiError('timeout', `no answer within the request timeout of ${ms} ms`, { timeoutMs: ms }),
  modelFailed: (model: string, cause: unknown) =>
    new ApiError('model_failed', `model "${model}" failed to run`, { model }, { cause }),
  batchSplitFailed: (model: string, output: string, reason: string) =>
    new ApiError('batch_split_failed', `model "${model}": output "${output}" ${reason}, so it cannot be split among the batch's requests`, { model, output }),
  handlerFailed: (api: string, cause: unknown) =>
    new ApiError('handler_failed', `handler of API "${api}" failed`, { api }, { cause }),
  internal: (cause: unknown) => new ApiError('internal_error', 'internal server error', {}, { cause }),
};

function describeDtype(dtype: string): string {
  if (dtype === 'bool') return 'a boolean';
  if (dtype === 'string') return 'a string';
  if (dtype.startsWith('float')) return `a number (${dtype})`;
  return `an integer (${dtype})`;
}

/** How a JSON value reads in an error message: its type, and the value itself when short. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}
