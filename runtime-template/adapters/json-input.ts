/** `json` input: any JSON document, validated against the API's JSON Schema when it has one. */
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { InputSpec } from '../contract.js';
import { errors } from '../errors.js';
import type { InputAdapter } from './types.js';

type JsonSpec = Extract<InputSpec, { type: 'json' }>;

/** Compiles a schema once at startup; supplied by the registry so all APIs share one ajv instance. */
export type CompileSchema = (schema: Record<string, unknown>) => ValidateFunction;

export function createJsonInput(spec: JsonSpec, compile: CompileSchema): InputAdapter {
  const validate = spec.schema ? compile(spec.schema) : undefined;
  return {
    mediaTypes: ['application/json'],
    parse(body) {
      if (validate && !validate(body)) {
        const violations = (validate.errors ?? []).map(describeViolation);
        throw errors.schemaViolation(`request body does not match the API's schema: ${violations[0]?.message}`, violations);
      }
      // An array body counts one row per element, so a client's own batch is weighed fairly by the batcher.
      return { value: body, rows: Array.isArray(body) ? Math.max(1, body.length) : 1 };
    },
  };
}

function describeViolation(error: ErrorObject): { field: string; message: string; keyword: string } {
  const field = `body${error.instancePath.replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.')}`;
  return { field, message: `${field} ${error.message ?? 'is invalid'}`, keyword: error.keyword };
}
