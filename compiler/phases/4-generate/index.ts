import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuntimeConfig } from '../../../runtime-template/contract.js';
import type { AnalyzedBento } from '../3-analyze/index.js';
import { generateBentoReadme } from './bento-readme.js';
import { bundleServer } from './bundle-server.js';
import { generateDockerfile } from './dockerfile.js';
import { toDockerfileInput } from './dockerfile-input.js';
import { generateDockerignore } from './dockerignore.js';
import { createManifest, stringifyManifest, type BentoManifest } from './manifest.js';
import { generateOpenApi } from './openapi.js';
import { createRuntimeConfig } from './runtime-config.js';
import { copyRuntimeAssets } from './runtime-assets.js';

export type { BentoManifest } from './manifest.js';
export { computeInputsHash, versionFromHash } from './compute-version.js';
export { generateDockerfile } from './dockerfile.js';
export { toDockerfileInput } from './dockerfile-input.js';
export { generateOpenApi } from './openapi.js';
export { createRuntimeConfig } from './runtime-config.js';

export interface GenerateOptions {
  /** Empty folder the bento's files are written into; the package phase moves it into the store. */
  outDir: string;
  version: string;
  inputsSha256: string;
  bentocVersion: string;
}

export interface GeneratedBento {
  manifest: BentoManifest;
  config: RuntimeConfig;
}

/** Writes every file of the bento: bundle, native modules, models, OpenAPI, Dockerfile, manifest, README. */
export async function generateBento(analyzed: AnalyzedBento, options: GenerateOptions): Promise<GeneratedBento> {
  const { bentofile } = analyzed;
  const { outDir } = options;
  const config = createRuntimeConfig(analyzed, options.version);
  const manifest = createManifest(analyzed, config, options.inputsSha256, options.bentocVersion);

  await mkdir(join(outDir, 'models'), { recursive: true });
  await Promise.all(analyzed.models.map((m) => writeFile(join(outDir, 'models', m.spec.file), m.bytes)));
  await bundleServer({
    config,
    handlers: bentofile.apis.flatMap((api) => (api.handler ? [{ key: api.handler.key, file: api.handler.file, exportName: api.handler.exportName }] : [])),
    outFile: join(outDir, 'server.mjs'),
    projectDir: bentofile.projectDir,
  });
  await copyRuntimeAssets(outDir, { platform: process.platform, arch: process.arch }, { sharp: config.apis.some((api) => api.input.type === 'image') });

  const dockerInput = toDockerfileInput(manifest);
  const files: [string, string][] = [
    ['openapi.json', `${JSON.stringify(generateOpenApi(config, { license: bentofile.license }), null, 2)}\n`],
    ['Dockerfile', generateDockerfile(dockerInput)],
    ['.dockerignore', generateDockerignore(dockerInput)],
    ['README.md', generateBentoReadme(config)],
    ['bento.yaml', stringifyManifest(manifest)],
  ];
  if (analyzed.pip.lines.length > 0) files.push(['requirements.txt', `${analyzed.pip.lines.join('\n')}\n`]);
  await Promise.all(files.map(([name, text]) => writeFile(join(outDir, name), text)));
  if (bentofile.docker.setupScript) await copyFile(bentofile.docker.setupScript, join(outDir, 'setup.sh'));
  return { manifest, config };
}
