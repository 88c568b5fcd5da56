import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { BentocError } from '../diagnostics/index.js';
import { buildImage, isBuilderChatter, type BuildProgressEvent } from '../image/build-image.js';
import { connectDockerEngine } from '../image/docker-engine.js';
import { pushImage } from '../image/push-image.js';
import { resolveRegistryAuth } from '../image/registry-auth.js';
import { writeBuildContext } from '../image/write-context.js';
import { generateDockerfile } from '../phases/4-generate/dockerfile.js';
import { toDockerfileInput } from '../phases/4-generate/dockerfile-input.js';
import { createPushReporter } from './push-progress.js';
import { resolveBento } from './resolve-bento.js';
import { collectRepeated } from './collect-repeated.js';

/** Docker's reference grammar, simplified: lowercase repository path, optional registry port, optional tag. */
export const IMAGE_TAG = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?$/;

export default defineCommand({
  meta: { name: 'containerize', description: 'Build a container image from a bento (Docker engine at DOCKER_HOST)' },
  args: {
    bento: { type: 'positional', required: true, description: 'name[:version|latest], or a bento folder' },
    tag: { type: 'string', alias: 't', description: 'Image name[:tag]; repeatable or comma-separated (default <name>:<version>)' },
    platform: { type: 'string', description: 'Target platform, e.g. linux/amd64' },
    'build-arg': { type: 'string', description: 'KEY=VALUE build argument; repeatable' },
    cache: { type: 'boolean', default: true, description: 'Use the layer cache', negativeDescription: 'Build every layer afresh' },
    'base-image': { type: 'string', description: "Base image instead of the bento's docker.base_image" },
    'dockerfile-only': { type: 'string', valueHint: 'DIR', description: 'Write the build context to DIR instead of building' },
    quiet: { type: 'boolean', alias: 'q', description: 'Print only the image id' },
    json: { type: 'boolean', description: 'Progress as NDJSON events on stdout, for CI' },
    push: { type: 'boolean', description: "Push every tag to its registry after the build and print the digest (repo@sha256:…)" },
    'registry-auth': {
      type: 'string',
      valueHint: 'USER:PASSWORD',
      description: 'Registry credentials for --push (default: $DOCKER_CONFIG/config.json or ~/.docker/config.json)',
    },
  },
  async run({ args, rawArgs }) {
    const bento = await resolveBento(args.bento);
    const tags = parseTags(collectRepeated(rawArgs, ['--tag', '-t']), `${bento.name}:${bento.version}`);
    const buildArgs = parseBuildArgs(collectRepeated(rawArgs, ['--build-arg']));
    const baseImage = args['base-image'];
    // The stored bento is immutable: a new base image travels as an override inside the context, never a write.
    const overrides = baseImage ? { Dockerfile: generateDockerfile(toDockerfileInput(bento.manifest, { baseImage })) } : undefined;

    const outDir = args['dockerfile-only'];
    if (outDir && args.push) throw new BentocError('bad_cli_input', '--push needs a build; --dockerfile-only writes the context only', { hint: 'drop one of them' });
    if (outDir) {
      const written = await writeBuildContext({ contextDir: bento.dir, overrides, outDir: resolve(outDir) });
      if (args.json) console.log(JSON.stringify({ event: 'context', dir: written.dir, entries: written.entries, tags }));
      else if (!args.quiet) console.error(`Wrote the build context to ${written.dir}\n  docker build ${tags.map((t) => `-t ${t}`).join(' ')} ${written.dir}`);
      return;
    }

    const engine = await connectDockerEngine();
    const report = createReporter({ json: Boolean(args.json), quiet: Boolean(args.quiet) });
    if (!args.quiet && !args.json) console.error(`Building ${tags.join(', ')} from ${bento.name}:${bento.version} on ${engine.endpoint}`);
    const image = await buildImage({
      contextDir: bento.dir,
      overrides,
      tags,
      buildArgs,
      platform: args.platform,
      noCache: args.cache === false,
      onProgress: report,
      engine,
    });
    if (args.push) {
      if (!args.quiet && !args.json) console.log(`Built ${image.tags.join(', ')} (${image.imageId.slice(0, 19)})`);
      const onProgress = createPushReporter({ json: Boolean(args.json), quiet: Boolean(args.quiet), tty: process.stderr.isTTY === true });
      for (const reference of image.tags) {
        const auth = await resolveRegistryAuth(reference, { flag: args['registry-auth'] });
        if (!args.quiet && !args.json) console.error(`Pushing ${reference}${auth ? ` as ${auth.username ?? 'token'}` : ''}`);
        const pushed = await pushImage({ engine, reference, auth, onProgress });
        if (args.quiet) console.log(pushed.pinned);
        else if (!args.json) console.log(`Pushed ${reference}\n  digest ${pushed.digest}\n  deploy with --image ${pushed.pinned}`);
      }
      return;
    }
    if (args.quiet) console.log(image.imageId);
    else if (!args.json) {
      console.log(`Built ${image.tags.join(', ')} (${image.imageId.slice(0, 19)})`);
      console.error(`  docker run --rm -p ${bento.manifest.runtime.port}:${bento.manifest.runtime.port} ${image.tags[0]}`);
    }
  },
});

export function parseTags(values: string[], fallback: string): string[] {
  const tags = values.flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
  const result = tags.length > 0 ? [...new Set(tags)] : [fallback];
  for (const tag of result) {
    if (!IMAGE_TAG.test(tag)) {
      throw new BentocError('bad_cli_input', `"${tag}" is not a valid image name[:tag]`, {
        hint: 'Use lowercase letters, digits and . _ - in the name (e.g. iris-classifier:1.0 or registry:5000/team/iris).',
      });
    }
  }
  return result;
}

/** `KEY=VALUE`, or `KEY` alone to pass the variable from this environment, as `docker build` does. */
export function parseBuildArgs(values: string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const key = eq === -1 ? value : value.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new BentocError('bad_cli_input', `--build-arg "${value}" is not KEY=VALUE`, { hint: 'e.g. --build-arg HTTP_PROXY=http://proxy:3128' });
    }
    const resolved = eq === -1 ? env[key] : value.slice(eq + 1);
    if (resolved !== undefined) result[key] = resolved;
  }
  return result;
}

function createReporter(mode: { json: boolean; quiet: boolean }): (event: BuildProgressEvent) => void {
  if (mode.json) return (event) => console.log(JSON.stringify({ event: event.type, ...withoutType(event) }));
  if (mode.quiet) return () => undefined;
  let lastPull = '';
  return (event) => {
    if (event.type === 'step') console.error(`[${event.step}/${event.total}] ${event.instruction}`);
    else if (event.type === 'log' && /^\s*---> Using cache$/.test(event.line)) console.error('  cached');
    else if (event.type === 'log' && !isBuilderChatter(event.line)) console.error(`  ${event.line}`);
    else if (event.type === 'pull') {
      // Pull progress arrives many times a second per layer: print only status changes.
      const line = `  ${event.id ? `${event.id}: ` : ''}${event.status}`;
      if (line !== lastPull) console.error(line);
      lastPull = line;
    }
  };
}

function withoutType(event: BuildProgressEvent): Record<string, unknown> {
  const { type: _type, ...rest } = event;
  return rest;
}
