/**
 * Validates KServe objects against the openAPIV3Schemas of KServe's published CRDs (a subset, extracted into
 * test/fixtures/kserve-crds/ by its extract-subset.ts: no npm package carries them). Unknown fields are errors,
 * as with `kubectl apply`'s strict field validation, except where the CRD preserves unknown fields.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';

const schemas = JSON.parse(readFileSync(new URL('../fixtures/kserve-crds/schemas.json', import.meta.url), 'utf8')) as Record<string, unknown>;

function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closeObjects(v)])) as Record<string, unknown>;
  if (copy.properties && copy.additionalProperties === undefined && !copy['x-kubernetes-preserve-unknown-fields']) copy.additionalProperties = false;
  return copy;
}

export function createKserveValidator(): (object: { apiVersion: string; kind: string }) => ErrorObject[] {
  // CRD schemas carry x-kubernetes-* keywords and int32/int64 formats that are not JSON Schema: ignore, don't fail.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return (object) => {
    const schema = schemas[`${object.apiVersion}/${object.kind}`];
    if (!schema) throw new Error(`no KServe schema for ${object.apiVersion} ${object.kind}`);
    const validate = ajv.compile(closeObjects(schema) as object);
    return validate(object) ? [] : (validate.errors ?? []);
  };
}
