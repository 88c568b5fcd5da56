import { defineCommand } from 'citty';
import { join } from 'node:path';
import { BentoStore } from '../../store/bento-store.js';

export default defineCommand({
  meta: { name: 'serve', description: 'Start the hub: JSON API under /api/v1, web UI at /' },
  args: {
    port: { type: 'string', default: '5100', description: 'Port (0 = any free port)' },
    host: { type: 'string', default: '0.0.0.0', description: 'Address to listen on' },
    data: { type: 'string', description: 'Data folder: blobs, uploads, and the SQLite database (default $BENTOML_HOME/hub)' },
    database: { type: 'string', description: 'postgres://user:pass@host:port/db to keep metadata in PostgreSQL instead of SQLite' },
    'public-read': { type: 'boolean', description: 'Let anyone read (list, pull) without a token; writes always need one' },
  },
  async run({ args }) {
    const { serveHub } = await import('../../../hub/serve-hub.js');
    await serveHub({
      dataDir: args.data ?? join(new BentoStore().home, 'hub'),
      databaseUrl: args.database ?? process.env.BENTOC_HUB_DATABASE,
      port: Number(args.port),
      host: args.host,
      publicRead: Boolean(args['public-read']),
    });
  },
});
