import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { check } from '../../compiler/check.js';
import { isBentocError } from '../../compiler/diagnostics/index.js';
import { fixturesRoot } from '../support/diagnostic-fixtures.js';
import { irisModelBytes } from '../support/iris-project.js';

/**
 * Broken bentofiles nobody thought of: 150 seeded mutations of a full bentofile (tokens inserted,
 * characters cut, words replaced). Each must pass, or fail with positioned user errors; none may throw a bug
 * (the CLI's exit 70). Deterministic: the same seed gives the same files.
 */
const dir = mkdtempSync(join(tmpdir(), 'bentoc-mutations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = readFileSync(join(fixturesRoot, 'generated', 'iris-options', 'bentofile.yaml'), 'utf8');
const tokens = ['', '-1', '0', '1e400', 'null', '[]', '{}', '"x"', '~', '*a', '&a ', ': ', '- ', '\n  ', '\t', 'true', '/', '../x', '#', '"', "'", '[', '{',
  'image', 'json', 'text', 'file', 'string', 'int64', '.nan', '.inf', '!!binary aGk=', '0x10', '<<: {}', '? [a]', '|\n  two\n  lines', '/metrics', 'lodash@@1'];

it('never turns a mutated bentofile into an internal error', async () => {
  writeFileSync(join(dir, 'iris.onnx'), irisModelBytes());
  let seed = 20_261_130;
  const random = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const outcomes = { passed: 0, refused: 0 };
  for (let i = 0; i < 150; i++) {
    let text = base;
    for (let m = 0; m <= random(3); m++) {
      const at = random(text.length);
      const kind = random(3);
      if (kind === 0) text = text.slice(0, at) + tokens[random(tokens.length)] + text.slice(at);
      else if (kind === 1) text = text.slice(0, at) + text.slice(at + 1 + random(8));
      else {
        const words = text.split(/(\s+)/);
        words[random(words.length)] = tokens[random(tokens.length)]!;
        text = words.join('');
      }
    }
    writeFileSync(join(dir, 'bentofile.yaml'), text);
    try {
      await check(join(dir, 'bentofile.yaml'));
      outcomes.passed++;
    } catch (error) {
      expect(isBentocError(error), `internal error for:\n${text}\n${(error as Error).stack}`).toBe(true);
      for (const d of (error as { diagnostics: { span?: unknown }[] }).diagnostics) expect(d.span, JSON.stringify(d)).toBeDefined();
      outcomes.refused++;
    }
  }
  // Both kinds occur, so the mutations neither all break the file nor all miss.
  expect(outcomes.passed).toBeGreaterThan(0);
  expect(outcomes.refused).toBeGreaterThan(50);
});
