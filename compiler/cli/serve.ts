import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { defineCommand } from 'citty';
import { BentocError } from '../diagnostics/index.js';
import { resolveBento } from './resolve-bento.js';

export default defineCommand({
  meta: { name: 'serve', description: 'Serve a bento over HTTP (Swagger UI at /)' },
  args: {
    bento: { type: 'positional', required: true, description: 'name[:version|latest], or a bento folder' },
    port: { type: 'string', alias: 'p', description: 'Port to listen on (default: the bentofile runtime.port, 5000; or $PORT)' },
    host: { type: 'string', description: 'Address to bind (default 0.0.0.0)' },
    'grpc-port': { type: 'string', description: 'Port of the v2 gRPC service (default: runtime.grpc_port, 8001; or $GRPC_PORT); 0 turns it off' },
  },
  async run({ args }) {
    const bento = await resolveBento(args.bento);
    const flags: string[] = [];
    for (const name of ['port', 'grpc-port'] as const) {
      const value = args[name];
      if (value === undefined) continue;
      if (!isPort(value)) throw new BentocError('bad_cli_input', `--${name} must be a number from 0 to 65535, got \`${value}\``);
      flags.push(`--${name}`, value);
    }
    if (args.port === undefined && process.env.PORT !== undefined && !isPort(process.env.PORT)) {
      throw new BentocError('bad_cli_input', `PORT=${process.env.PORT} is not a port`, {
        hint: 'set PORT to a number from 0 to 65535 (0 picks a free port), or pass --port N',
      });
    }
    if (args.host) flags.push('--host', args.host);
    // The bento runs exactly as in its image: `node server.mjs`, from its own folder.
    // The IPC channel is a lifeline: if this CLI dies, even by SIGKILL, it closes and the server drains and exits.
    const child = spawn(process.execPath, [join(bento.dir, 'server.mjs'), ...flags], { cwd: bento.dir, stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const code = await new Promise<number>((done) => child.on('exit', (status, signal) => done(status ?? (signal ? 128 + 15 : 1))));
    process.exitCode = code;
  },
});

function isPort(value: string): boolean {
  return /^\d+$/.test(value) && Number(value) <= 65535;
}
