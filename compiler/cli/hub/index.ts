import { defineCommand } from 'citty';

export default defineCommand({
  meta: { name: 'hub', description: 'Run a bentoc hub (the team registry for bentos and models) and manage its tokens' },
  subCommands: {
    serve: () => import('./serve.js').then((m) => m.default),
    token: () => import('./token.js').then((m) => m.default),
  },
});
