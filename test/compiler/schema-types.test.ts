import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { generateBentofileTypes } from '../../schemas/generate-types.js';

it('schemas/bentofile.generated.ts is up to date with the schema (run `npm run schemas`)', async () => {
  const committed = readFileSync(fileURLToPath(new URL('../../schemas/bentofile.generated.ts', import.meta.url)), 'utf8');
  expect(committed).toBe(await generateBentofileTypes());
});
