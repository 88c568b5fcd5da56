/**
 * Each model tensor's batch axis, read from the signature: the axis of the symbolic dimension that inputs and
 * outputs share (`batch`, `N`, `batch_size`, …), else a leading dynamic dimension; `batch.axes` in the bentofile
 * overrides it per tensor. An input without one joins the batch key at run time; an output without one cannot be
 * split among a batch's requests, so batching such an API is refused here rather than answered wrong later.
 */
import type { ModelSpec, TensorSpec } from '../../../runtime-template/contract.js';
import { didYouMean, type DiagnosticBag } from '../../diagnostics/index.js';
import type { ResolvedApi } from '../2-validate/index.js';
import { formatShape, isDynamic } from './shapes.js';

export type BatchAxes = Record<string, number | null>;

/** Names exporters give the batch dimension, preferred when several symbols are shared. */
const BATCH_NAMES = /^(batch|batch_?size|bs|n|b|num_?samples)$/i;

export function inferBatchAxes(model: ModelSpec): BatchAxes {
  const symbol = pickSharedSymbol(model);
  const axes: BatchAxes = {};
  for (const tensor of [...model.inputs, ...model.outputs]) {
    if (symbol !== undefined) {
      const axis = tensor.shape.indexOf(symbol);
      axes[tensor.name] = axis >= 0 ? axis : null;
    } else {
      axes[tensor.name] = tensor.shape.length > 0 && isDynamic(tensor.shape[0]!) ? 0 : null;
    }
  }
  return axes;
}

/**
 * The symbolic dim that inputs and outputs share and that is most likely the batch: one named like a batch
 * (`batch`, `N`, …), else one leading some input. A shared symbol elsewhere (a sequence length, say) is taken only
 * when no input has a dynamic leading dim to fall back on: batching along `seq` would mix requests' sequences.
 */
function pickSharedSymbol(model: ModelSpec): string | undefined {
  const symbols = (tensors: TensorSpec[]) => new Set(tensors.flatMap((t) => t.shape.filter((d): d is string => typeof d === 'string')));
  const inOutputs = symbols(model.outputs);
  const shared = [...symbols(model.inputs)].filter((symbol) => inOutputs.has(symbol));
  const all = [...model.inputs, ...model.outputs];
  const carriers = (symbol: string) => all.filter((t) => t.shape.includes(symbol)).length;
  const byCarriers = (list: string[]) => [...list].sort((a, b) => carriers(b) - carriers(a))[0];
  const named = byCarriers(shared.filter((symbol) => BATCH_NAMES.test(symbol)));
  if (named !== undefined) return named;
  const leading = byCarriers(shared.filter((symbol) => model.inputs.some((input) => input.shape[0] === symbol)));
  if (leading !== undefined) return leading;
  if (model.inputs.some((input) => input.shape.length > 0 && isDynamic(input.shape[0]!))) return undefined;
  return byCarriers(shared);
}

/** The API's batch axes: inferred, then `batch.axes` applied; reports bad overrides and unbatchable outputs. */
export function resolveBatchAxes(api: ResolvedApi, model: ModelSpec, bag: DiagnosticBag): BatchAxes {
  const axes = inferBatchAxes(model);
  const tensors = new Map([...model.inputs, ...model.outputs].map((t) => [t.name, t]));
  for (const [name, axis] of Object.entries(api.batchAxes ?? {})) {
    const tensor = tensors.get(name);
    const span = api.locateValue(['batch', 'axes', name]);
    if (!tensor) {
      bag.add('batch_axis_invalid', `model \`${model.name}\` has no input or output \`${name}\``, {
        span: api.locateValue(['batch', 'axes']),
        hint: didYouMean(name, tensors.keys()),
      });
      continue;
    }
    if (axis !== null && !(axis < tensor.shape.length && isDynamic(tensor.shape[axis]!))) {
      const dynamic = tensor.shape.map((d, i) => (isDynamic(d) ? i : -1)).filter((i) => i >= 0);
      bag.add('batch_axis_invalid', `axis ${axis} of \`${name}\` ${formatShape(tensor.shape)} ${axis < tensor.shape.length ? 'has a fixed size' : 'does not exist'}, so it cannot carry the batch`, {
        span,
        hint: dynamic.length > 0 ? `its dynamic axes are ${dynamic.join(', ')}; or use \`null\` for a tensor without a batch axis` : 'use `null`: this tensor has no dynamic axis to batch along',
      });
      continue;
    }
    axes[name] = axis;
  }
  if (api.batch.enabled && !api.handler) reportUnbatchable(api, model, axes, bag);
  return axes;
}

function reportUnbatchable(api: ResolvedApi, model: ModelSpec, axes: BatchAxes, bag: DiagnosticBag): void {
  const span = api.locate('batch');
  const batchedInput = model.inputs.some((input) => axes[input.name] !== null);
  if (!batchedInput) {
    bag.add('unbatchable_model', `API \`${api.name}\` batches requests, but no input of model \`${model.name}\` has a batch axis (${describe(model.inputs)})`, {
      span,
      hint: 'turn batching off (`batch: {enabled: false}`), or name the batch axis with `batch: {axes: {<input>: <axis>}}`',
    });
    return;
  }
  for (const output of model.outputs) {
    if (axes[output.name] !== null) continue;
    bag.add('unbatchable_model', `API \`${api.name}\` batches requests, but output \`${output.name}\` ${formatShape(output.shape)} of model \`${model.name}\` has no batch axis, so a batch's result could not be split among its requests`, {
      span,
      hint: output.shape.some(isDynamic)
        ? `if \`${output.name}\` carries one row per request on some axis, say which: \`batch: {axes: {${output.name}: <axis>}}\`; otherwise turn batching off`
        : 'turn batching off (`batch: {enabled: false}`): this output depends on the whole batch (a reduction over it, say)',
    });
  }
}

function describe(tensors: TensorSpec[]): string {
  return tensors.map((t) => `${t.name} ${formatShape(t.shape)}`).join(', ');
}
