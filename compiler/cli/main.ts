import { defineCommand, runCommand, showUsage, type CommandDef } from 'citty';
import { bentocVersion } from '../version.js';
import { reportFailure } from './report-failure.js';

/** Commands are loaded lazily: `bentoc list` never pays for esbuild or dockerode. */
const main = defineCommand({
  meta: { name: 'bentoc', version: bentocVersion, description: 'Compile bentofile.yaml into a model server, serve it, ship it.' },
  subCommands: {
    build: () => import('./build.js').then((m) => m.default),
    serve: () => import('./serve.js').then((m) => m.default),
    run: () => import('./run.js').then((m) => m.default),
    list: () => import('./list.js').then((m) => m.default),
    get: () => import('./get.js').then((m) => m.default),
    delete: () => import('./delete.js').then((m) => m.default),
    export: () => import('./export.js').then((m) => m.default),
    import: () => import('./import.js').then((m) => m.default),
    containerize: () => import('./containerize.js').then((m) => m.default),
    deploy: () => import('./deploy.js').then((m) => m.default),
  },
});

await runCli(main, process.argv.slice(2));

async function runCli(command: CommandDef, rawArgs: string[]): Promise<void> {
  try {
    if (rawArgs.length === 0) {
      await showUsage(command);
      process.exitCode = 1;
      return;
    }
    if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v')) {
      console.log(bentocVersion);
      return;
    }
    if (rawArgs.includes('--help') || rawArgs.includes('-h')) {
      const [sub, parent] = await resolveSubCommand(command, rawArgs);
      await showUsage(sub, parent);
      return;
    }
    await runCommand(command, { rawArgs });
  } catch (error) {
    process.exitCode = await reportFailure(error, rawArgs, async () => {
      const [sub, parent] = await resolveSubCommand(command, rawArgs);
      await showUsage(sub, parent);
    });
  }
}

async function resolveSubCommand(command: CommandDef, rawArgs: string[]): Promise<[CommandDef, CommandDef | undefined]> {
  const subCommands = await (typeof command.subCommands === 'function' ? command.subCommands() : command.subCommands);
  const name = rawArgs.find((a) => !a.startsWith('-'));
  const loader = name ? subCommands?.[name] : undefined;
  if (!loader) return [command, undefined];
  const sub = (await (typeof loader === 'function' ? loader() : loader)) as CommandDef;
  return [sub, command];
}
