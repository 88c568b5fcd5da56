import { defineCommand } from 'citty';

export default defineCommand({
  meta: { name: 'models', description: 'Manage the model store ($BENTOML_HOME/models)' },
  subCommands: {
    import: () => import('./import.js').then((m) => m.default),
    list: () => import('./list.js').then((m) => m.default),
    get: () => import('./get.js').then((m) => m.default),
    delete: () => import('./delete.js').then((m) => m.default),
    export: () => import('./export.js').then((m) => m.default),
    push: () => import('../hub/push.js').then((m) => m.pushModelCommand),
    pull: () => import('../hub/pull.js').then((m) => m.pullModelCommand),
  },
});
