/**
 * Adapters sit between HTTP bodies and what handlers and models consume. One file per type; the registry
 * (create-adapters.ts) maps an API's `input.type` / `output.type` to a factory, so a new type is a new file and
 * one registry line.
 */
import type { ApiSpec, ModelSpec } from '../contract.js';

export interface AdapterContext {
  api: ApiSpec;
  /** The API's model, when it has one. */
  model?: ModelSpec;
}

export interface ParsedInput {
  /** What a handler receives (an ndarray arrives as a TensorValue, json as parsed JSON, text as a string). */
  value: unknown;
  /** Rows this request carries; what the batcher counts against `max_batch_size`. */
  rows: number;
  /** Response headers the input decides (e.g. where images of a dynamic-size model went in its frame). */
  headers?: Record<string, string>;
}

export interface InputAdapter {
  /** Accepted media types, lower case; `type/*` wildcards allowed. Anything else is answered with 415. */
  readonly mediaTypes: readonly string[];
  /**
   * Validates a parsed body (JSON value, multipart fields, or a Buffer for other media types) sent as `mediaType`;
   * throws (or rejects with) an `ApiError` when bad. Async where decoding is (images, off the event loop).
   */
  parse(body: unknown, mediaType: string): ParsedInput | Promise<ParsedInput>;
}

export interface FormattedOutput {
  contentType: string;
  body: string | Buffer;
}

export interface OutputAdapter {
  /** Turns one item's result (model outputs as TensorValues, or a handler's return value) into a response body. */
  format(result: unknown): FormattedOutput;
}
