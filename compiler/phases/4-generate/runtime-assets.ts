/**
 * Copies what the bundle cannot contain into the bento: onnxruntime-node (native, pruned to one platform) with
 * onnxruntime-common, sharp when an API takes images, and the Swagger UI assets the runtime serves at `/`. Both are taken from the compiler's own
 * installation, so a bento always gets the versions bentoc was tested with.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TargetPlatform {
  /** `process.platform` of the machine the bento will run on. */
  platform: string;
  /** `process.arch` of that machine. */
  arch: string;
}

/** The Open Inference Protocol's .proto, shipped as `proto/grpc_predict_v2.proto` (the runtime never imports it as code). */
const V2_PROTO_DIR = fileURLToPath(new URL('../../../runtime-template/v2/', import.meta.url));
export const V2_PROTO_FILE = 'grpc_predict_v2.proto';

const SWAGGER_UI_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png', 'favicon-16x16.png'];

export interface RuntimeAssetNeeds {
  /** An API decodes images: sharp and its libvips binary (~19 MB for linux/x64) come along. */
  sharp?: boolean;
}

export async function copyRuntimeAssets(bentoDir: string, target: TargetPlatform, needs: RuntimeAssetNeeds = {}): Promise<void> {
  const fromCompiler = createRequire(import.meta.url);
  const ortNode = findPackageDir(fromCompiler, 'onnxruntime-node');
  // onnxruntime-common is onnxruntime-node's dependency: resolve it from there, as Node will at run time.
  const ortCommon = findPackageDir(createRequire(join(ortNode, 'package.json')), 'onnxruntime-common');
  const modules = join(bentoDir, 'node_modules');

  const binary = join('bin', 'napi-v6', target.platform, target.arch);
  if (!existsSync(join(ortNode, binary))) {
    throw new Error(`onnxruntime-node ships no binary for ${target.platform}/${target.arch} (looked in ${join(ortNode, binary)})`);
  }
  await copyEntries(ortNode, join(modules, 'onnxruntime-node'), ['package.json', 'dist', binary]);
  await copyEntries(ortCommon, join(modules, 'onnxruntime-common'), ['package.json', 'dist']);
  await copyEntries(findPackageDir(fromCompiler, 'swagger-ui-dist'), join(bentoDir, 'static', 'swagger-ui'), SWAGGER_UI_FILES);
  // The gRPC server loads it at start, and clients of the bento take it from there.
  await copyEntries(V2_PROTO_DIR, join(bentoDir, 'proto'), [V2_PROTO_FILE]);
  if (needs.sharp) await copySharp(fromCompiler, modules, target);
}

/**
 * sharp loads its binary from `@img/sharp-<platform>-<arch>` and libvips from `@img/sharp-libvips-<platform>-<arch>`,
 * and requires three small pure-JS packages at run time; only the target platform's binaries are copied.
 * Linux means glibc here: bento images are Debian-based.
 */
async function copySharp(fromCompiler: NodeJS.Require, modules: string, target: TargetPlatform): Promise<void> {
  const sharp = findPackageDir(fromCompiler, 'sharp');
  const fromSharp = createRequire(join(sharp, 'package.json'));
  const platform = `${target.platform}-${target.arch}`;
  await copyEntries(sharp, join(modules, 'sharp'), ['package.json', 'dist']);
  const binary = findPackageDir(fromSharp, `@img/sharp-${platform}`, 'package');
  await copyEntries(binary, join(modules, '@img', `sharp-${platform}`), readdirSync(binary).filter((entry) => !/\.md$|^LICENSE/.test(entry)));
  const libvips = findPackageDir(createRequire(join(binary, 'package.json')), `@img/sharp-libvips-${platform}`, 'package');
  await copyEntries(libvips, join(modules, '@img', `sharp-libvips-${platform}`), ['package.json', 'versions.json', 'lib']);
  for (const name of ['@img/colour', 'detect-libc', 'semver']) {
    const dir = findPackageDir(fromSharp, name);
    await copyEntries(dir, join(modules, name), readdirSync(dir).filter((entry) => !/\.md$/.test(entry)));
  }
}

/**
 * A package's root folder. `require.resolve('<pkg>/package.json')` fails for packages whose `exports` hide it
 * (onnxruntime-common), so resolve the main entry and walk up to the package.json that names the package.
 */
function findPackageDir(require: NodeJS.Require, name: string, entry = name): string {
  let dir = dirname(require.resolve(entry === name ? name : `${name}/${entry}`));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package folder of ${name}`);
    dir = parent;
  }
}

async function copyEntries(fromDir: string, toDir: string, entries: string[]): Promise<void> {
  for (const entry of entries) {
    const target = join(toDir, entry);
    await mkdir(dirname(target), { recursive: true });
    // `.map` files are dropped: they only help debug onnxruntime's own JS and would double dist/'s size.
    await cp(join(fromDir, entry), target, { recursive: true, filter: (source) => !source.endsWith('.map') });
  }
}
