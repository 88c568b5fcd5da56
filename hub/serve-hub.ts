import { buildHubApp } from './http/build-hub-app.js';
import { registerUi } from './ui/register-ui.js';
import { openHub, type OpenHubOptions } from './open-hub.js';

export interface ServeHubOptions extends OpenHubOptions {
  port: number;
  host: string;
}

/** `bentoc hub serve`: opens the data, listens, logs `ready` with the port, and closes cleanly on SIGTERM/SIGINT. */
export async function serveHub(options: ServeHubOptions): Promise<void> {
  const ctx = await openHub(options);
  const app = buildHubApp(ctx, { logger: { level: process.env.BENTOC_HUB_LOG_LEVEL ?? 'info' }, registerUi });
  const address = await app.listen({ port: options.port, host: options.host });
  const port = Number(new URL(address).port);
  const tokens = await ctx.db.selectFrom('tokens').select('id').limit(1).execute();
  if (tokens.length === 0) {
    app.log.warn(`no tokens yet: create the first admin token with \`bentoc hub token create --admin --data ${ctx.blobs.dataDir}\``);
  }
  app.log.info({ port, data: ctx.blobs.dataDir, database: ctx.dialect, publicRead: ctx.options.publicRead }, 'ready');
  const stop = async () => {
    await app.close();
    await ctx.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

