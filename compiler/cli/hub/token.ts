import { defineCommand } from 'citty';
import { join } from 'node:path';
import { BentocError } from '../../diagnostics/index.js';
import { BentoStore } from '../../store/bento-store.js';
import { collectRepeated } from '../collect-repeated.js';

const location = {
  data: { type: 'string', description: 'The hub data folder (default $BENTOML_HOME/hub)' },
  database: { type: 'string', description: 'postgres://… when the hub keeps its metadata in PostgreSQL' },
} as const;

async function withHub<T>(args: { data?: string; database?: string }, action: (ctx: import('../../../hub/context.js').HubContext) => Promise<T>): Promise<T> {
  const { openHub } = await import('../../../hub/open-hub.js');
  const ctx = await openHub({ dataDir: args.data ?? join(new BentoStore().home, 'hub'), databaseUrl: args.database ?? process.env.BENTOC_HUB_DATABASE });
  try {
    return await action(ctx);
  } finally {
    await ctx.close();
  }
}

const create = defineCommand({
  meta: { name: 'create', description: 'Create an API token against the data folder (how the first admin token is made); prints it once' },
  args: {
    ...location,
    name: { type: 'string', default: 'admin', description: 'A name to recognise the token by' },
    admin: { type: 'boolean', description: 'Full access: tokens, audit log, every repository' },
    scope: { type: 'string', description: 'read:<pattern> or write:<pattern> over bento/<name> and model/<name> (repeatable), e.g. write:bento/iris*' },
    expires: { type: 'string', description: 'Lifetime: 30d, 12h, 90m, or an ISO date (default: never)' },
  },
  async run({ args, rawArgs }) {
    const { checkScopes } = await import('../../../hub/auth/scopes.js');
    const { createToken, parseExpiry } = await import('../../../hub/auth/tokens.js');
    const { recordAudit } = await import('../../../hub/registry/audit.js');
    const scopes = collectRepeated(rawArgs, ['--scope']);
    if (!args.admin && scopes.length === 0) throw new BentocError('bad_cli_input', 'a token needs --admin or at least one --scope', { hint: 'e.g. --scope read:* or --scope write:bento/iris*' });
    const { token, id } = await withHub(args, async (ctx) => {
      const created = await toUserError(async () => createToken(ctx.db, { name: args.name, scopes: checkScopes(scopes), admin: Boolean(args.admin), expiresAt: parseExpiry(args.expires), createdBy: 'cli' }));
      await recordAudit(ctx.db, 'cli', 'token.create', `token/${created.id}`, { name: args.name, scopes, admin: Boolean(args.admin) });
      return created;
    });
    console.error(`Created token ${id} (${args.admin ? 'admin' : scopes.join(' ')}). It is shown only now:`);
    console.log(token);
  },
});

const list = defineCommand({
  meta: { name: 'list', description: 'List tokens (never their secrets)' },
  args: { ...location },
  async run({ args }) {
    const { listTokens } = await import('../../../hub/auth/token-admin.js');
    const tokens = await withHub(args, (ctx) => listTokens(ctx.db));
    console.log(JSON.stringify(tokens, null, 2));
  },
});

/** The hub's own validation errors are user errors at the command line too. */
async function toUserError<T>(action: () => Promise<T>): Promise<T> {
  const { HubError } = await import('../../../hub/errors.js');
  try {
    return await action();
  } catch (error) {
    if (error instanceof HubError) throw new BentocError('bad_cli_input', error.message);
    throw error;
  }
}

export default defineCommand({
  meta: { name: 'token', description: 'Create and list hub API tokens' },
  subCommands: { create, list },
});
