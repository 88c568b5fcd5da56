import { defineCommand } from 'citty';
import { relative } from 'node:path';
import { renderDiagnostic, toJsonDiagnostic } from '../diagnostics/index.js';
import { build } from '../index.js';
import { useColor } from './report-failure.js';

export default defineCommand({
  meta: { name: 'build', description: 'Validate bentofile.yaml and write a bento into the store' },
  args: {
    bentofile: { type: 'positional', required: false, default: 'bentofile.yaml', description: 'Path of bentofile.yaml, or the project folder that holds it' },
    json: { type: 'boolean', description: 'Print the result and diagnostics as JSON (for CI)' },
  },
  async run({ args }) {
    const started = performance.now();
    const result = await build({ bentofile: args.bentofile });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const { bento, warnings, reused } = result;
    if (args.json) {
      const diagnostics = warnings.map((d) => toJsonDiagnostic(d, process.cwd()));
      console.log(JSON.stringify({ ok: true, tag: `${bento.name}:${bento.version}`, dir: bento.dir, reused, seconds: Number(seconds), diagnostics }, null, 2));
      return;
    }
    for (const d of warnings) console.error(`${renderDiagnostic(d, { cwd: process.cwd(), color: useColor() })}\n`);
    const how = reused ? 'unchanged inputs, reused' : 'built';
    console.log(`✔ ${bento.name}:${bento.version} ${how} in ${seconds}s`);
    console.log(`  ${relative(process.cwd(), bento.dir).startsWith('..') ? bento.dir : relative(process.cwd(), bento.dir)}`);
    console.log(`  next: bentoc serve ${bento.name}:latest`);
  },
});
