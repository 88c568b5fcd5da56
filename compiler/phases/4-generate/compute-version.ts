import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInstalledVersion } from '../../utils/package-version.js';
import type { AnalyzedBento } from '../3-analyze/index.js';

const runtimeTemplateDir = fileURLToPath(new URL('../../../runtime-template/', import.meta.url));
/** Packages whose code ends up in the bento: a new version of any of them is a new bento. */
const bundledPackages = [
  'fastify',
  '@fastify/multipart',
  'secure-json-parse',
  'pino',
  'prom-client',
  'ajv',
  'ajv-formats',
  'sharp',
  'onnxruntime-node',
  'onnxruntime-common',
  'swagger-ui-dist',
  'esbuild',
];

/**
 * The bento version: a hash of everything the bento is made from (bentofile text, model bytes, handler
 * sources, dependency pins, the runtime template and bentoc itself). Same inputs, same version.
 */
export function computeInputsHash(analyzed: AnalyzedBento, bentocVersion: string): string {
  const { bentofile } = analyzed;
  const hash = createHash('sha256');
  const add = (label: string, value: string | Buffer) => {
    hash.update(`${label}\0${value.length}\0`);
    hash.update(value);
  };
  add('bentoc', bentocVersion);
  add('bentofile', readFileSync(bentofile.file));
  for (const model of analyzed.models) add(`model:${model.spec.name}`, model.spec.sha256);
  for (const file of analyzed.sourceFiles) add(`source:${relative(bentofile.projectDir, file)}`, readFileSync(file));
  add('npm', JSON.stringify(analyzed.npm));
  add('pip', JSON.stringify(analyzed.pip.lines));
  if (bentofile.docker.setupScript) add('setup', readFileSync(bentofile.docker.setupScript));
  for (const file of listFiles(runtimeTemplateDir)) add(`runtime:${relative(runtimeTemplateDir, file)}`, readFileSync(file));
  const require = createRequire(import.meta.url);
  for (const name of bundledPackages) add(`package:${name}`, readInstalledVersion(require, name) ?? 'missing');
  return hash.digest('hex');
}

/** 16 lower-case base32 characters: short enough for a tag, long enough never to collide in a store. */
export function versionFromHash(hex: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = BigInt(`0x${hex.slice(0, 20)}`); // 80 bits = 16 base32 characters
  let out = '';
  for (let i = 0; i < 16; i++) {
    out = alphabet[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}
