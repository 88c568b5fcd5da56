import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { TensorSpec } from '../../runtime-template/contract.js';
import { BentocError, didYouMean } from '../diagnostics/index.js';
import { versionFromHash } from '../phases/4-generate/compute-version.js';
import { readdirOrEmpty } from './bento-store.js';
import { readPointer, writePointer } from './pointer.js';
import { formatTag, parseTag } from './tag.js';

/**
 * What `model.yaml` records about one stored model version: only what the model and the import said, no clock,
 * so the same import in two stores exports to the same bytes (and pushes as the same version to a hub).
 */
export interface ModelRecord {
  name: string;
  /** From the content hash: the same bytes always get the same version. */
  version: string;
  sha256: string;
  sizeBytes: number;
  /** The ONNX file inside the version folder. */
  file: 'model.onnx';
  labels: Record<string, string>;
  signature: { inputs: TensorSpec[]; outputs: TensorSpec[] };
  opsetVersion?: number;
  producer?: string;
}

export interface StoredModel {
  record: ModelRecord;
  /** When this version landed in this store (ISO; the mtime of its model.yaml). */
  createdAt: string;
  dir: string;
  /** Absolute path of the ONNX file. */
  path: string;
  latest: boolean;
}

export interface NewModel {
  name: string;
  bytes: Uint8Array;
  sha256: string;
  labels: Record<string, string>;
  signature: ModelRecord['signature'];
  opsetVersion?: number;
  producer?: string;
}

/**
 * `$BENTOML_HOME/models/<name>/<version>/{model.yaml,model.onnx}` plus a `latest` file per name. A version is
 * staged under `tmp/` and renamed into place, so an interrupted import leaves nothing `list` would show.
 */
export class ModelStore {
  readonly home: string;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.home = env.BENTOML_HOME || join(homedir(), 'bentoml');
  }

  get modelsDir(): string {
    return join(this.home, 'models');
  }

  versionDir(name: string, version: string): string {
    return join(this.modelsDir, name, version);
  }

  has(name: string, version: string): boolean {
    return existsSync(join(this.versionDir(name, version), 'model.yaml'));
  }

  async createStaging(): Promise<string> {
    const dir = join(this.home, 'tmp', `model-${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Adds a model; the same bytes under the same name are a no-op apart from moving `latest`. */
  async add(model: NewModel): Promise<{ model: StoredModel; added: boolean }> {
    const name = parseTag(model.name).name;
    const version = versionFromHash(model.sha256);
    if (this.has(name, version)) {
      await writePointer(join(this.modelsDir, name, 'latest'), version);
      return { model: await this.get(formatTag({ name, version })), added: false };
    }
    const staging = await this.createStaging();
    const record: ModelRecord = {
      name,
      version,
      sha256: model.sha256,
      sizeBytes: model.bytes.byteLength,
      file: 'model.onnx',
      labels: model.labels,
      signature: model.signature,
      ...(model.opsetVersion !== undefined && { opsetVersion: model.opsetVersion }),
      ...(model.producer && { producer: model.producer }),
    };
    await writeFile(join(staging, 'model.onnx'), model.bytes);
    await writeFile(join(staging, 'model.yaml'), stringify(record, { lineWidth: 0 }));
    return { model: await this.commit(staging, name, version), added: true };
  }

  /** Moves a staged version (model.yaml + model.onnx) into place and points `latest` at it. */
  async commit(staging: string, name: string, version: string): Promise<StoredModel> {
    await mkdir(join(this.modelsDir, name), { recursive: true });
    if (this.has(name, version)) await rm(staging, { recursive: true, force: true });
    else {
      await rm(this.versionDir(name, version), { recursive: true, force: true }); // a leftover without model.yaml
      await rename(staging, this.versionDir(name, version));
    }
    await writePointer(join(this.modelsDir, name, 'latest'), version);
    return this.get(formatTag({ name, version }));
  }

  async get(tag: string): Promise<StoredModel> {
    const parsed = parseTag(tag);
    const latest = await readPointer(join(this.modelsDir, parsed.name, 'latest'));
    const version = parsed.version === 'latest' ? latest : parsed.version;
    if (!version || !this.has(parsed.name, version)) throw await this.notFound(parsed.name, tag);
    const dir = this.versionDir(parsed.name, version);
    const record = parse(await readFile(join(dir, 'model.yaml'), 'utf8')) as ModelRecord;
    const createdAt = (await stat(join(dir, 'model.yaml'))).mtime.toISOString();
    return { record, createdAt, dir, path: join(dir, record.file), latest: version === latest };
  }

  /** Synchronous lookup for the compiler's validate phase: `name[:version|latest]` → the ONNX file, or why not. */
  locate(tag: string): { path: string; name: string; version: string } | { missing: string; hint: string } {
    let parsed;
    try {
      parsed = parseTag(tag);
    } catch {
      return { missing: `\`${tag}\` is not a model tag`, hint: 'write it as name, name:latest or name:version' };
    }
    let version = parsed.version;
    if (version === 'latest') {
      try {
        version = readFileSync(join(this.modelsDir, parsed.name, 'latest'), 'utf8').trim();
      } catch {
        version = '';
      }
    }
    if (!version || !this.has(parsed.name, version)) {
      return { missing: `no model \`${tag}\` in ${this.modelsDir}`, hint: `import it first: bentoc models import model.onnx --name ${parsed.name} (see \`bentoc models list\`)` };
    }
    return { path: join(this.versionDir(parsed.name, version), 'model.onnx'), name: parsed.name, version };
  }

  async list(): Promise<StoredModel[]> {
    const out: StoredModel[] = [];
    for (const name of (await readdirOrEmpty(this.modelsDir)).sort()) {
      for (const version of await readdirOrEmpty(join(this.modelsDir, name))) {
        if (this.has(name, version)) out.push(await this.get(formatTag({ name, version })));
      }
    }
    return out.sort((a, b) => a.record.name.localeCompare(b.record.name) || b.createdAt.localeCompare(a.createdAt));
  }

  /** Removes a version; `latest` moves to the newest remaining one, or goes away with the last. */
  async delete(tag: string): Promise<StoredModel> {
    const model = await this.get(tag);
    const { name } = model.record;
    await rm(model.dir, { recursive: true, force: true });
    if (model.latest) {
      const remaining = (await this.list()).filter((m) => m.record.name === name);
      if (remaining.length > 0) await writePointer(join(this.modelsDir, name, 'latest'), remaining[0]!.record.version);
      else await rm(join(this.modelsDir, name), { recursive: true, force: true });
    }
    return model;
  }

  private async notFound(name: string, tag: string): Promise<BentocError> {
    const names = await readdirOrEmpty(this.modelsDir);
    const versions = (await readdirOrEmpty(join(this.modelsDir, name))).filter((v) => this.has(name, v));
    const hint = names.includes(name)
      ? `versions of ${name}: ${versions.join(', ') || 'none'}`
      : (didYouMean(name, names) ?? `add one first with \`bentoc models import model.onnx --name ${name}\`; the store is ${this.home}`);
    return new BentocError('model_not_found', `no model \`${tag}\` in ${this.modelsDir}`, { hint });
  }
}

export function openModelStore(env: NodeJS.ProcessEnv = process.env): ModelStore {
  return new ModelStore(env);
}
