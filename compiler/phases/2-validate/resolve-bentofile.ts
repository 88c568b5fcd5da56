import { isAbsolute, relative, resolve } from 'node:path';
import type { Api, RawBentofile } from '../../../schemas/bentofile.generated.js';
import { DiagnosticBag, didYouMean } from '../../diagnostics/index.js';
import type { DocPath, LoadedBentofile } from '../1-load/load-bentofile.js';
import { checkNpmPackages, checkPipPackages } from './check-packages.js';
import { checkRoutes } from './check-routes.js';
import { resolveDeploy } from './resolve-deploy.js';
import { resolveInput, resolveOutput } from './resolve-input.js';
import { resolveArtifact } from './resolve-artifact.js';
import { defaults, type FindStoreModel, type ResolvedApi, type ResolvedBentofile } from './resolved-bentofile.js';

const serviceNamePattern = /^[a-z0-9_][a-z0-9_.-]*$/;

/**
 * Turns a schema-valid bentofile into the resolved form: defaults filled in, legacy keys mapped (with a
 * warning), paths made absolute and kept inside the project, names and routes unique.
 */
export function resolveBentofile(loaded: LoadedBentofile & { data: RawBentofile }, bag: DiagnosticBag, findStoreModel?: FindStoreModel): ResolvedBentofile {
  const raw = loaded.data;
  const at = (path: DocPath, key = false) => loaded.locate(path, { key });
  const inProject = (path: string, docPath: DocPath) => resolveInProject(loaded, path, docPath, bag);

  const service = raw.service.trim().toLowerCase();
  if (!serviceNamePattern.test(service)) {
    bag.add('invalid_name', `service name \`${raw.service}\` is not allowed`, {
      span: at(['service']),
      hint: 'use lower-case letters, digits, `_`, `.` and `-`, starting with a letter, digit or `_` (it becomes an image name)',
    });
  }

  const port = raw.runtime?.port ?? defaults.port;
  if (raw.runtime?.grpc_port !== undefined && raw.runtime.grpc_port === port) {
    bag.add('invalid_value', `\`runtime.grpc_port\` is ${port}, the HTTP port too`, {
      span: at(['runtime', 'grpc_port']),
      hint: `the gRPC service needs a port of its own (8001 is the protocol's usual one), or 0 to turn it off`,
    });
  }

  const artifacts = (raw.artifacts ?? []).map((artifact, i) => resolveArtifact(artifact, i, { at, inProject, bag, findStoreModel }));
  reportDuplicates(artifacts.map((a, i) => [a.name, ['artifacts', i, 'name']] as const), 'artifact', loaded, bag);

  const artifactNames = artifacts.map((a) => a.name);
  const apis = raw.apis.map((api, i) => resolveApi(api, i, loaded, bag, artifactNames));
  reportDuplicates(apis.map((a, i) => [a.name, ['apis', i, 'name']] as const), 'API', loaded, bag);
  const routed = apis.map((api, i) => ({ name: api.name, route: api.route, at: ['apis', i, raw.apis[i]!.route ? 'route' : 'name'] }));
  checkRoutes(routed, loaded, bag);
  const npmPackages = checkNpmPackages(raw.env?.npm?.packages ?? [], loaded, bag);
  checkPipPackages(raw.env?.pip?.packages ?? [], loaded, bag);

  // Globs stay globs; only their leading path is checked, so `../*.py` cannot reach outside the project.
  (raw.include ?? []).forEach((glob, i) => inProject(glob, ['include', i]));
  const pip = raw.env?.pip;
  const docker = raw.docker ?? {};
  const gpu = docker.gpu ?? false;
  return {
    file: loaded.file,
    projectDir: loaded.projectDir,
    service,
    description: raw.description,
    license: raw.license,
    labels: raw.labels ?? {},
    include: raw.include ?? [],
    exclude: raw.exclude ?? [],
    artifacts,
    apis,
    env: {
      npm: { packages: npmPackages, infer: raw.env?.npm?.infer ?? true },
      pip: {
        packages: pip?.packages ?? [],
        requirementsTxt: pip?.requirements_txt && inProject(pip.requirements_txt, ['env', 'pip', 'requirements_txt']),
        infer: pip?.infer ?? true,
        span: pip?.requirements_txt ? at(['env', 'pip', 'requirements_txt']) : undefined,
      },
    },
    runtime: {
      port: raw.runtime?.port ?? defaults.port,
      host: '0.0.0.0',
      workers: raw.runtime?.workers ?? defaults.workers,
      threads: raw.runtime?.threads ?? defaults.threads,
      device: raw.runtime?.device ?? 'auto',
      bodyLimitBytes: checkBodyLimit(parseSize(raw.runtime?.body_limit), loaded, bag) ?? defaults.bodyLimitBytes,
      requestTimeoutMs: raw.runtime?.request_timeout_ms ?? defaults.requestTimeoutMs,
      // Written only when set: the runtime's default (10 s) applies otherwise, as it does for older bentos.
      ...(raw.runtime?.keep_alive_timeout_ms !== undefined ? { keepAliveTimeoutMs: raw.runtime.keep_alive_timeout_ms } : {}),
      grpcPort: raw.runtime?.grpc_port ?? defaults.grpcPort,
    },
    docker: {
      baseImage: docker.base_image ?? (gpu ? defaults.gpuBaseImage : defaults.baseImage),
      gpu,
      systemPackages: docker.system_packages ?? [],
      env: docker.env ?? {},
      setupScript: docker.setup_script && inProject(docker.setup_script, ['docker', 'setup_script']),
      setupScriptSpan: docker.setup_script ? at(['docker', 'setup_script']) : undefined,
      user: docker.user ?? defaults.user,
      labels: docker.labels ?? {},
    },
    deploy: resolveDeploy(raw.deploy, loaded, bag),
  };
}

function resolveApi(api: Api, i: number, loaded: LoadedBentofile, bag: DiagnosticBag, artifactNames: string[]): ResolvedApi {
  const at = (path: DocPath, key = false) => loaded.locate(['apis', i, ...path], { key });
  if (!api.model && !api.handler) {
    bag.report('api_without_target', at([], false), api.name, artifactNames[0]);
  }
  if (api.model && !artifactNames.includes(api.model)) {
    bag.report('unknown_model', at(['model']), api.name, api.model, didYouMean(api.model, artifactNames));
  }

  if (api.output?.top_k !== undefined && !api.output?.labels) {
    bag.add('invalid_value', `API \`${api.name}\` sets \`top_k\` without \`labels\``, {
      span: at(['output', 'top_k'], true),
      hint: 'top_k ranks labelled classes: add `labels: [...]`, one per class',
    });
  }

  let handler: ResolvedApi['handler'];
  if (api.handler) {
    const [file, exportName] = api.handler.split('#') as [string, string];
    handler = {
      file: resolveInProject(loaded, file, ['apis', i, 'handler'], bag),
      exportName,
      key: `${api.name}`,
      span: at(['handler']),
    };
  }

  return {
    name: api.name,
    route: api.route ?? `/${api.name}`,
    description: api.description,
    model: api.model,
    handler,
    // Left out, the input is derived from the model's signature in 3-analyze; the output defaults to json.
    input: api.input && resolveInput(api.name, api.input, (key) => at(['input', key], true), bag),
    output: api.output ? resolveOutput(api.output) : { type: 'json' },
    batch: resolveBatch(api, i, loaded, bag),
    ...(api.batch?.axes ? { batchAxes: api.batch.axes } : {}),
    example: api.example,
    span: at([]),
    locate: (key) => at([key], true),
    locateValue: (path) => at(path),
  };
}

function resolveBatch(api: Api, i: number, loaded: LoadedBentofile, bag: DiagnosticBag) {
  const at = (key: string) => loaded.locate(['apis', i, key], { key: true });
  const legacy = [
    ['mb_max_batch_size', 'batch.max_batch_size', api.mb_max_batch_size],
    ['mb_max_latency', 'batch.max_latency_ms', api.mb_max_latency],
  ] as const;
  for (const [key, replacement, value] of legacy) {
    if (value === undefined) continue;
    if (api.batch) {
      bag.add('batch_invalid', `API \`${api.name}\` sets both \`${key}\` and \`batch\``, {
        span: at(key),
        hint: `remove \`${key}\`; use \`${replacement}\``,
      });
    } else {
      bag.report('deprecated_key', at(key), key, replacement, value);
    }
  }
  if (api.batch?.timeout_ms !== undefined && api.batch.policy !== 'fixed_timeout') {
    bag.add('batch_invalid', `API \`${api.name}\` sets \`batch.timeout_ms\` without \`policy: fixed_timeout\``, {
      span: loaded.locate(['apis', i, 'batch', 'timeout_ms'], { key: true }),
      hint: 'the default policy (cork) needs no timeout; remove `timeout_ms`, or add `policy: fixed_timeout`',
    });
  }
  const usesLegacy = api.mb_max_batch_size !== undefined || api.mb_max_latency !== undefined;
  return {
    // Legacy keys only existed for batching APIs, so their presence turns batching on.
    enabled: api.batch?.enabled ?? (api.batch !== undefined || usesLegacy),
    maxBatchSize: api.batch?.max_batch_size ?? api.mb_max_batch_size ?? defaults.maxBatchSize,
    maxLatencyMs: api.batch?.max_latency_ms ?? api.mb_max_latency ?? defaults.maxLatencyMs,
    policy: api.batch?.policy ?? 'cork',
    // Only meaningful for fixed_timeout; left out otherwise so cork bentos stay as they were.
    ...(api.batch?.policy === 'fixed_timeout' ? { timeoutMs: api.batch.timeout_ms ?? defaults.batchTimeoutMs } : {}),
  };
}

function reportDuplicates(entries: (readonly [string, DocPath])[], what: string, loaded: LoadedBentofile, bag: DiagnosticBag) {
  const seen = new Set<string>();
  for (const [name, path] of entries) {
    if (seen.has(name)) {
      bag.report('duplicate_name', loaded.locate(path), what, name);
    }
    seen.add(name);
  }
}

/** Resolves a project-relative path and refuses one that leaves the project: a bento must be self-contained. */
function resolveInProject(loaded: LoadedBentofile, path: string, docPath: DocPath, bag: DiagnosticBag): string {
  const absolute = resolve(loaded.projectDir, path);
  const rel = relative(loaded.projectDir, absolute);
  if (isAbsolute(path) || rel.startsWith('..') || isAbsolute(rel)) {
    bag.report('path_outside_project', loaded.locate(docPath), path, loaded.projectDir);
  }
  return absolute;
}

/** Above this a body limit protects nothing: 1 GiB of JSON is already far past what one request should carry. */
const MAX_BODY_LIMIT_BYTES = 1024 ** 3;

function checkBodyLimit(bytes: number | undefined, loaded: LoadedBentofile, bag: DiagnosticBag): number | undefined {
  if (bytes === undefined || bytes <= MAX_BODY_LIMIT_BYTES) return bytes;
  bag.add('invalid_value', `\`runtime.body_limit\` is ${bytes.toLocaleString('en-US')} bytes; at most 1gb is allowed`, {
    span: loaded.locate(['runtime', 'body_limit']),
    hint: 'a body limit bounds the memory one request can take: set it to the largest request you expect, e.g. `body_limit: 50mb`',
  });
  return undefined;
}

function parseSize(value: number | string | undefined): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*(b|kb|mb|gb)$/i.exec(value.trim())!;
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[match[2]!.toLowerCase() as 'b']!;
  return Math.round(Number(match[1]) * unit);
}
