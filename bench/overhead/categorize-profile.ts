/** Sorts a V8 CPU profile's self time into the parts of a bento's request path. */

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** [part, share of all sampled time], largest first. */
export function categorize(profile: CpuProfile, bundle: string): [string, number][] {
  return sumBy(profile, bundle, (frame, module) => partOf(frame.functionName, frame.url, module));
}

/** [function (module or script), share of all sampled time], largest first: the detail behind a part. */
export function topFunctions(profile: CpuProfile, bundle: string, count: number): [string, number][] {
  return sumBy(profile, bundle, (frame, module) => {
    const where = module || frame.url.replace(/^.*\/(node_modules\/)?/, '') || 'native';
    return `${frame.functionName || '(anonymous)'} · ${where}`;
  }).slice(0, count);
}

type Frame = CpuProfile['nodes'][number]['callFrame'];

function sumBy(profile: CpuProfile, bundle: string, keyOf: (frame: Frame, module: string) => string): [string, number][] {
  const marks: [number, string][] = [];
  bundle.split('\n').forEach((line, index) => {
    const match = index > 0 ? /^\/\/ (?:\.\.\/)*(\S+)$/.exec(line) : null;
    if (match) marks.push([index, match[1]!]);
  });
  const moduleAt = (line: number): string => {
    let found = '';
    for (const [start, name] of marks) {
      if (start > line) break;
      found = name;
    }
    return found;
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parts = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    const frame = byId.get(id)!.callFrame;
    const part = keyOf(frame, frame.url.endsWith('server.mjs') ? moduleAt(frame.lineNumber) : '');
    parts.set(part, (parts.get(part) ?? 0) + delta);
  });
  return [...parts].map(([part, time]): [string, number] => [part, time / total]).sort((a, b) => b[1] - a[1]);
}

function partOf(fn: string, url: string, module: string): string {
  if (fn === '(idle)') return 'idle (waiting for I/O)';
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(program)') return 'V8 / native, unattributed';
  if (fn === 'postMessage' || /messageport|worker/.test(url)) return 'worker hop (postMessage, message events)';
  if (/onnxruntime/.test(url)) return 'model run (onnxruntime on the main thread)';
  if (!module) {
    if (/abort|event_target|timers|task_queues|async_hooks|node:events/.test(url + fn)) return 'request plumbing (AbortSignal, timers, events)';
    if (/writev|write|stream|net|http|socket|tcp|uncork/i.test(url + fn)) return 'HTTP (Node: sockets, parser, streams)';
    return 'Node internals (other)';
  }
  if (/node_modules\/(fastify|find-my-way|avvio|@fastify)/.test(module)) return 'HTTP (fastify)';
  if (/secure-json-parse|json-body-parser/.test(module)) return 'body parse (JSON)';
  if (/prom-client|metrics\//.test(module)) return 'metrics';
  if (/pino|sonic-boom|create-logger/.test(module)) return 'logging';
  if (module.includes('runtime-template/batching/')) return 'dispatcher (CORK)';
  if (/adapters\/(json-output|label-rows|tensor-json|ndarray-output|text-output)/.test(module)) return 'serialization (output adapter)';
  if (/adapters\/|tensors\/|execution\/model-feeds/.test(module)) return 'adapter + tensor binding';
  if (/execution\/|model\//.test(module)) return 'batch execution (concat/split, model pool)';
  if (module.includes('runtime-template/http/')) return 'route handler (api-routes: timeout, abort)';
  return 'other bundled code';
}
