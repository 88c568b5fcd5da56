import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixturesRoot } from '../support/diagnostic-fixtures.js';

/**
 * Redocly's recommended ruleset on the OpenAPI documents bentoc writes (the generated-output fixtures, which
 * generated-outputs.test.ts keeps equal to a fresh build): no error and no warning.
 */
const redocly = fileURLToPath(new URL('../../node_modules/@redocly/cli/bin/cli.js', import.meta.url));
const skipReason = existsSync(redocly) ? undefined : '@redocly/cli is not installed (npm ci installs it)';
if (skipReason) console.warn(`[openapi lint] skipped: ${skipReason}`);
if (skipReason && process.env.CI === 'true') {
  it('has Redocly in CI', () => {
    throw new Error(`CI=true but the OpenAPI lint cannot run: ${skipReason}`);
  });
}

const documents = readdirSync(join(fixturesRoot, 'generated')).map((name) => join(fixturesRoot, 'generated', name, 'expected', 'openapi.json'));

describe.skipIf(skipReason !== undefined)('OpenAPI documents under Redocly (recommended rules)', () => {
  for (const document of documents) {
    it(document.split('/').at(-3)!, () => {
      const result = spawnSync(process.execPath, [redocly, 'lint', document, '--extends', 'recommended', '--format', 'json'], {
        encoding: 'utf8',
        // Offline and quiet: no usage report to Redocly, no update check.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
        timeout: 60_000,
      });
      const report = JSON.parse(result.stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
      expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
      expect(result.status).toBe(0);
    });
  }
});
