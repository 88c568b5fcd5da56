/**
 * Writes schemas/bentofile.generated.ts from bentofile.schema.json, so the compiler's raw types
 * never drift from the published schema. Run: npm run schemas. A test checks the file is current.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

export async function generateBentofileTypes(): Promise<string> {
  const schemaPath = fileURLToPath(new URL('./bentofile.schema.json', import.meta.url));
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  return compile(schema, 'RawBentofile', {
    bannerComment: '/* Generated from bentofile.schema.json by schemas/generate-types.ts. Do not edit. */',
    additionalProperties: false,
    style: { singleQuote: true },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = fileURLToPath(new URL('./bentofile.generated.ts', import.meta.url));
  writeFileSync(out, await generateBentofileTypes());
  console.log(`wrote ${out}`);
}
