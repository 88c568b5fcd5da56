import { Validator } from '@seriousme/openapi-schema-validator';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../compiler/check.js';
import { generateOpenApi } from '../../compiler/phases/4-generate/openapi.js';
import { createRuntimeConfig } from '../../compiler/phases/4-generate/runtime-config.js';
import { makeProjectFrom } from '../support/iris-project.js';

const irisSample = fileURLToPath(new URL('../../samples/iris', import.meta.url));

describe('OpenAPI generation (iris sample)', () => {
  let spec: Record<string, unknown>;

  beforeAll(async () => {
    const project = makeProjectFrom(irisSample);
    const { analyzed } = await check(join(project, 'bentofile.yaml'));
    spec = generateOpenApi(createRuntimeConfig(analyzed, 'testversion'));
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(spec);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('derives the request schema and example from the model signature', () => {
    const post = (spec.paths as Record<string, { post: any }>)['/predict']!.post;
    const body = post.requestBody.content['application/json'];
    expect(body.example).toEqual([[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]);
    const tensor = body.schema.oneOf[0];
    expect(tensor).toMatchObject({ type: 'array', items: { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } } });
    const response = post.responses['200'].content['application/json'].schema;
    expect(response.items.properties.label.enum).toEqual(['setosa', 'versicolor', 'virginica']);
  });
});
