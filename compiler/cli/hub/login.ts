import { defineCommand } from 'citty';
import { saveCredentials } from '../../hub-client/credentials.js';
import { hubJson } from '../../hub-client/hub-client.js';

export default defineCommand({
  meta: { name: 'login', description: 'Check a hub URL and token, and save them for push and pull' },
  args: {
    url: { type: 'positional', required: true, description: 'The hub, e.g. http://hub.internal:5100' },
    token: { type: 'string', description: 'An API token (bch_…); BENTOC_HUB_TOKEN works too' },
  },
  async run({ args }) {
    const credentials = { url: args.url.replace(/\/+$/, ''), token: args.token ?? process.env.BENTOC_HUB_TOKEN ?? '' };
    const me = await hubJson<{ name: string; admin: boolean; scopes: string[] }>(credentials, '/api/v1/whoami');
    const file = await saveCredentials(credentials);
    console.log(`Logged in to ${credentials.url} as \`${me.name}\` (${me.admin ? 'admin' : me.scopes.join(' ') || 'no scopes'}); saved in ${file}`);
  },
});
