/**
 * `bentoc deploy` through the real CLI on the two samples: every object validates against the Kubernetes schemas
 * (kubernetes-models' validators) or KServe's CRD schemas, the files match their snapshots (bento version
 * masked), and the settings that make rollouts safe hold together (grace period > preStop + drain, selectors).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { trainMnist } from '../../samples/mnist/train.js';
import { repoRoot, runCli } from '../support/cli.js';
import { irisModelBytes, makeTempDir } from '../support/iris-project.js';
import { createKserveValidator } from '../support/kserve-schemas.js';

type K8sObject = { apiVersion: string; kind: string; [key: string]: any };

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};
const validateKserve = createKserveValidator();

const work = makeTempDir('deploy');
const home = join(work, 'home');
const versions: Record<string, string> = {};

function makeProject(sample: 'iris' | 'mnist', extraYaml = '', service?: string): string {
  const dir = join(work, `${sample}-${Object.keys(versions).length}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir, { recursive: true });
  let bentofile = readFileSync(join(repoRoot, `samples/${sample}/bentofile.yaml`), 'utf8');
  if (service) bentofile = bentofile.replace(/^service: .*$/m, `service: ${service}`);
  writeFileSync(join(dir, 'bentofile.yaml'), bentofile + extraYaml);
  // mnist: the sample's architecture at a fraction of its training, so the model file has the sample's size.
  const model = sample === 'iris' ? irisModelBytes() : trainMnist({ epochs: 1, trainPerDigit: 10, testPerDigit: 1 }).modelBytes;
  writeFileSync(join(dir, `${sample}.onnx`), model);
  return dir;
}

function build(project: string): string {
  const result = runCli(['build', join(project, 'bentofile.yaml'), '--json'], { home });
  expect(result.status, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { tag: string }).tag.split(':')[1]!;
}

function deploy(args: string[]): { dir: string; objects: Map<string, K8sObject>; texts: Map<string, string> } {
  const dir = join(work, `out-${Math.random().toString(36).slice(2, 10)}`);
  const result = runCli(['deploy', ...args, '-o', dir], { home });
  expect(result.status, result.stderr).toBe(0);
  const texts = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  const objects = new Map([...texts].map(([f, text]) => [f, parse(text) as K8sObject]));
  return { dir, objects, texts };
}

function schemaErrors(object: K8sObject): string[] {
  if (object.apiVersion.startsWith('serving.kserve.io/')) return validateKserve(object).map((e) => `${e.instancePath} ${e.message}`);
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new Error(`unexpected object ${object.apiVersion} ${object.kind}`);
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

beforeAll(() => {
  versions.iris = build(makeProject('iris'));
  versions.mnist = build(makeProject('mnist'));
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(['iris', 'mnist'] as const)('%s sample', (sample) => {
  const tag = `${sample}_classifier:latest`;

  it.each(['kubernetes', 'kserve'] as const)('--target %s: valid objects, a kustomization listing them, snapshot', async (target) => {
    const { objects, texts } = deploy([tag, '--target', target]);
    const kustomization = objects.get('kustomization.yaml')!;
    expect(kustomization.kind).toBe('Kustomization');
    for (const file of kustomization.resources as string[]) expect(objects.has(file), file).toBe(true);
    for (const [file, object] of objects) {
      if (file === 'kustomization.yaml') continue;
      expect(schemaErrors(object), `${file}: ${object.kind}`).toEqual([]);
    }
    const snapshot = [...texts].sort(([a], [b]) => a.localeCompare(b)).map(([f, t]) => `--- ${f}\n${t}`).join('\n');
    await expect(snapshot.replaceAll(versions[sample]!, '<version>')).toMatchFileSnapshot(`__snapshots__/${sample}-${target}.yaml`);
  });
});

describe('rollout safety in the Kubernetes objects', () => {
  it('gives the pod longer than the preStop pause plus the runtime drain, and selects its own pods', () => {
    const { objects } = deploy(['iris_classifier:latest']);
    const deployment = objects.get('deployment.yaml')!;
    const manifest = parse(runCli(['get', 'iris_classifier:latest', '-o', 'yaml'], { home }).stdout);
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    // The runtime's drain limit: request timeout + keep-alive time (10 s unless set) + 6 s.
    const drainSeconds = manifest.runtime.requestTimeoutMs / 1000 + (manifest.runtime.keepAliveTimeoutMs ?? 10_000) / 1000 + 6;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(container.lifecycle.preStop.sleep.seconds + drainSeconds);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(deployment.spec.template.metadata.labels).toMatchObject(objects.get('service.yaml')!.spec.selector);
    expect(deployment.spec.template.metadata.labels).toMatchObject(objects.get('poddisruptionbudget.yaml')!.spec.selector.matchLabels);
    expect(objects.get('horizontalpodautoscaler.yaml')!.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect([container.startupProbe, container.readinessProbe].map((p) => p.httpGet.path)).toEqual(['/readyz', '/readyz']);
    expect(container.livenessProbe.httpGet.path).toBe('/livez');
    expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(manifest.runtime.port));
  });
});

describe("the bentofile's deploy: section and the flags", () => {
  let tag = '';
  beforeAll(() => {
    const section = '\ndeploy:\n  replicas: 3\n  resources: {cpu: 1.5, memory: 3Gi}\n  autoscale: {max: 12, target_in_flight: 32}\n';
    const version = build(makeProject('iris', section, 'Fraud.Detector_v2'));
    tag = `fraud.detector_v2:${version}`;
  }, 60_000);

  it('records the section in bento.yaml and deploys from it; names become Kubernetes names', () => {
    const manifest = parse(runCli(['get', tag, '-o', 'yaml'], { home }).stdout);
    expect(manifest.deploy).toEqual({ replicas: 3, resources: { cpu: '1500m', memory: '3Gi' }, autoscale: { max: 12, target_in_flight: 32 } });
    const { objects } = deploy([tag]);
    const deployment = objects.get('deployment.yaml')!;
    expect(deployment.metadata.name).toBe('fraud-detector-v2');
    expect(deployment.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '1500m', memory: '3Gi' }, limits: { memory: '3Gi' } });
    const hpa = objects.get('horizontalpodautoscaler.yaml')!;
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 12 });
    expect(hpa.spec.metrics[1].pods).toEqual({ metric: { name: 'bento_requests_in_flight' }, target: { type: 'AverageValue', averageValue: '32' } });
    for (const object of objects.values()) if (object.kind !== 'Kustomization') expect(schemaErrors(object)).toEqual([]);
  });

  it('lets flags win, pins a digest, sets a namespace and drops the autoscaler with --no-autoscale', () => {
    const digest = `registry.example.com:5000/ml/fraud@sha256:${'a'.repeat(64)}`;
    const { objects } = deploy([tag, '--cpu', '500m', '--memory', '1Gi', '--replicas', '4', '--gpu', '1', '--image', digest, '-n', 'models', '--no-autoscale']);
    expect(objects.has('horizontalpodautoscaler.yaml')).toBe(false);
    const deployment = objects.get('deployment.yaml')!;
    expect(deployment.metadata.namespace).toBe('models');
    expect(deployment.spec.replicas).toBe(4);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe(digest);
    expect(container.resources.limits).toEqual({ memory: '1Gi', 'nvidia.com/gpu': '1' });
    expect(objects.get('kustomization.yaml')!.namespace).toBe('models');
    for (const object of objects.values()) if (object.kind !== 'Kustomization') expect(schemaErrors(object)).toEqual([]);
  });

  it('refuses bad flags with a clear error and exit 1', () => {
    for (const args of [['--target', 'nomad'], ['--replicas', '0'], ['--memory', '2 GB'], ['-n', 'Bad_NS'], ['--image', 'Not An Image']]) {
      const result = runCli(['deploy', tag, '-o', join(work, 'never'), ...args], { home });
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/bad_cli_input/);
    }
  });
});

describe('a GPU bento', () => {
  it('requests nvidia.com/gpu by default', () => {
    const version = build(makeProject('iris', '\ndocker: {gpu: true}\n', 'iris_gpu'));
    const { objects } = deploy([`iris_gpu:${version}`]);
    const container = objects.get('deployment.yaml')!.spec.template.spec.containers[0];
    expect(container.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(container.resources.requests['nvidia.com/gpu']).toBe('1');
    const kserve = deploy([`iris_gpu:${version}`, '--target', 'kserve']).objects.get('servingruntime.yaml')!;
    expect(kserve.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('1');
    expect(validateKserve(kserve as any)).toEqual([]);
  });
});

describe('the validators used above', () => {
  it('reject a wrong type, a missing required field and an unknown field', () => {
    expect(schemaErrors({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'two' } })).not.toEqual([]);
    const runtime = { apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ServingRuntime', metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image: 'i', bogus: 1 }] } };
    expect(schemaErrors(runtime).join()).toMatch(/additional properties/);
    expect(schemaErrors({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', spec: {} }).join()).toMatch(/predictor/);
    const qps = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', spec: { predictor: { scaleMetric: 'qps' } } };
    expect(schemaErrors(qps).join()).toMatch(/allowed values/);
  });
});
