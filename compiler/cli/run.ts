import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineCommand } from 'citty';
import { BentocError, diagnose, didYouMean } from '../diagnostics/index.js';
import { resolveBento } from './resolve-bento.js';

export default defineCommand({
  meta: { name: 'run', description: 'Run one prediction through a bento, without starting a server' },
  args: {
    bento: { type: 'positional', required: true, description: 'name[:version|latest], or a bento folder' },
    api: { type: 'positional', required: true, description: 'API name, e.g. predict' },
    input: { type: 'string', alias: 'i', required: true, description: "Request body: JSON/text inline, or @file ('-' reads stdin)" },
    'content-type': { type: 'string', description: 'Content-Type of the input (default: from the API input type)' },
  },
  async run({ args }) {
    const bento = await resolveBento(args.bento);
    const apis = bento.manifest.apis.map((a) => a.name);
    if (!apis.includes(args.api)) {
      throw new BentocError([diagnose('api_not_found', undefined, `${bento.name}:${bento.version}`, args.api, didYouMean(args.api, apis))]);
    }
    const body = await readInput(args.input);
    const contentType = args['content-type'] ?? sniffImageType(body);
    const flags = contentType ? ['--content-type', contentType] : [];
    const child = spawn(process.execPath, [join(bento.dir, 'server.mjs'), 'invoke', args.api, ...flags], {
      cwd: bento.dir,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let answer = '';
    child.stdout.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    child.stdin.end(body);
    const code = await new Promise<number>((done) => child.on('exit', (status) => done(status ?? 70)));
    process.stdout.write(prettyJson(answer));
    process.exitCode = code;
  },
});

async function readInput(input: string): Promise<Buffer> {
  if (input === '-' || input === '@-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  if (!input.startsWith('@')) return Buffer.from(input);
  try {
    return await readFile(input.slice(1));
  } catch {
    throw new BentocError('bad_cli_input', `cannot read input file ${input.slice(1)}`, { hint: 'pass --input @path/to/body.json, or the JSON inline' });
  }
}

/** `--input @digit.png` sends the image as it is, so image APIs need no base64 wrapping for a one-off call. */
function sniffImageType(body: Buffer): string | undefined {
  if (body.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return 'image/png';
  if (body.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'image/jpeg';
  return undefined;
}

function prettyJson(text: string): string {
  try {
    return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  } catch {
    return text;
  }
}
