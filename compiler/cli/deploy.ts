import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { defineCommand } from 'citty';
import { generateManifests, renderManifest, resolveDeployPlan, type DeployFlags, type DeployTarget } from '../deploy/index.js';
import { BentocError } from '../diagnostics/index.js';
import { IMAGE_TAG } from './containerize.js';
import { resolveBento } from './resolve-bento.js';

const TARGETS: DeployTarget[] = ['kubernetes', 'kserve'];
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CPU = /^([0-9]+(\.[0-9]+)?|[0-9]+m)$/;
const MEMORY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/;

export default defineCommand({
  meta: {
    name: 'deploy',
    description:
      'Write Kubernetes (Deployment, Service, PDB, HPA) or KServe manifests for a bento into DIR; apply them with `kubectl apply -k DIR`',
  },
  args: {
    bento: { type: 'positional', required: true, description: 'name[:version|latest], or a bento folder' },
    target: { type: 'string', default: 'kubernetes', description: 'kubernetes or kserve (ServingRuntime + InferenceService)' },
    output: { type: 'string', alias: 'o', required: true, valueHint: 'DIR', description: 'Folder for the YAML files and kustomization.yaml' },
    image: { type: 'string', description: 'Image to run; repo@sha256:… pins the digest `containerize --push` printed (default <name>:<version>)' },
    replicas: { type: 'string', description: "Pods to run, the autoscaler's minimum (default: the bento's deploy.replicas, else 2)" },
    namespace: { type: 'string', alias: 'n', description: 'Namespace for every object (default: none, kubectl picks)' },
    cpu: { type: 'string', description: 'CPU request per pod, e.g. 2 or 500m' },
    memory: { type: 'string', description: 'Memory request and limit per pod, e.g. 2Gi' },
    gpu: { type: 'string', description: 'nvidia.com/gpu per pod (GPU bentos default to 1)' },
    'max-replicas': { type: 'string', description: "The autoscaler's maximum (default 5 × replicas)" },
    autoscale: { type: 'boolean', default: true, description: 'Write a HorizontalPodAutoscaler', negativeDescription: 'Fixed replica count, no autoscaler' },
    json: { type: 'boolean', description: 'Print the files written as JSON' },
  },
  async run({ args }) {
    const target = args.target as DeployTarget;
    if (!TARGETS.includes(target)) throw cliError(`--target must be one of ${TARGETS.join(', ')}, got "${args.target}"`, 'e.g. --target kserve');
    const flags = parseFlags(args);
    const bento = await resolveBento(args.bento);
    const plan = resolveDeployPlan(bento, flags);
    const outDir = resolve(args.output);
    await mkdir(outDir, { recursive: true });
    const header = `Written by bentoc deploy from ${bento.name}:${bento.version}; apply with: kubectl apply -k <this folder>`;
    const manifests = generateManifests(plan, target);
    for (const manifest of manifests) await writeFile(join(outDir, manifest.file), renderManifest(manifest, header));
    if (args.json) {
      console.log(JSON.stringify({ dir: outDir, target, image: plan.image, files: manifests.map((m) => ({ file: m.file, kind: m.object.kind })) }));
      return;
    }
    const rel = relative(process.cwd(), outDir);
    const shown = rel === '' ? '.' : rel.startsWith('..') ? outDir : rel;
    console.log(`Wrote ${manifests.length} files to ${shown} for ${bento.name}:${bento.version} (${target})`);
    for (const m of manifests) console.log(`  ${m.file.padEnd(30)} ${m.object.kind}`);
    console.error(`  kubectl apply -k ${shown}`);
    if (!plan.imageByDigest) console.error(`  note: ${plan.image} is a tag; pass --image <repo>@sha256:… (from containerize --push) to pin it`);
  },
});

function parseFlags(args: Record<string, unknown>): DeployFlags {
  const image = args.image as string | undefined;
  if (image !== undefined && !IMAGE_TAG.test(image.replace(/@sha256:[a-f0-9]{64}$/, ''))) {
    throw cliError(`--image "${image}" is not an image reference`, 'e.g. registry.example.com/team/iris:1.0 or …/iris@sha256:<64 hex>');
  }
  const namespace = args.namespace as string | undefined;
  if (namespace !== undefined && !NAMESPACE.test(namespace)) {
    throw cliError(`--namespace "${namespace}" is not a Kubernetes namespace name`, 'lower-case letters, digits and -, at most 63 characters');
  }
  const cpu = args.cpu as string | undefined;
  if (cpu !== undefined && !CPU.test(cpu)) throw cliError(`--cpu "${cpu}" is not a CPU quantity`, 'e.g. 2, 0.5 or 500m');
  const memory = args.memory as string | undefined;
  if (memory !== undefined && !MEMORY.test(memory)) throw cliError(`--memory "${memory}" is not a memory quantity`, 'e.g. 512Mi or 2Gi');
  return {
    image,
    namespace,
    cpu,
    memory,
    replicas: parseCount(args.replicas, '--replicas', 1),
    gpu: parseCount(args.gpu, '--gpu', 0),
    maxReplicas: parseCount(args['max-replicas'], '--max-replicas', 1),
    autoscale: args.autoscale === false ? false : undefined,
  };
}

function parseCount(value: unknown, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw cliError(`${flag} must be a whole number ≥ ${min}, got "${String(value)}"`);
  return n;
}

function cliError(message: string, hint?: string): BentocError {
  return new BentocError('bad_cli_input', message, hint ? { hint } : undefined);
}
