import type { ApiSpec, ModelSpec } from '../../../runtime-template/contract.js';
import type { DiagnosticBag } from '../../diagnostics/index.js';
import type { ResolvedApi } from '../2-validate/index.js';
import { resolveBatchAxes } from './batch-axes.js';
import { bindInput } from './bind-input.js';
import { exampleFor } from './example-for.js';

/**
 * Checks each API against its model's signature and completes what the bentofile left out (see bind-input.ts),
 * and derives the docs example from the bound input.
 */
export function bindApi(api: ResolvedApi, models: Map<string, ModelSpec>, bag: DiagnosticBag): ApiSpec {
  const model = api.model ? models.get(api.model) : undefined;
  const input = bindInput(api, model, bag);
  if (model && api.output.type === 'json' && api.output.labels) checkLabels(api, model, api.output.labels, bag);
  const example = api.example ?? exampleFor(input);
  // Axes matter only where bentoc itself concatenates and splits: a model API without a handler.
  const axes = model && !api.handler ? resolveBatchAxes(api, model, bag) : undefined;
  if (api.batchAxes && !axes) {
    bag.add('batch_axis_invalid', `API \`${api.name}\` sets \`batch.axes\`, but bentoc batches tensors only for an API that runs a model without a handler`, {
      span: api.locateValue(['batch', 'axes']),
      hint: api.handler ? 'a batched handler receives the list of inputs and builds its own batch: remove `axes`' : 'remove `axes`',
    });
  }
  return {
    name: api.name,
    route: api.route,
    model: api.model,
    handler: api.handler?.key,
    input,
    output: api.output,
    batch: axes ? { ...api.batch, axes } : api.batch,
    ...(example !== undefined ? { example } : {}),
  };
}

function checkLabels(api: ResolvedApi, model: ModelSpec, labels: string[], bag: DiagnosticBag): void {
  const classOutputs = model.outputs.filter((o) => o.dtype.startsWith('float') && o.shape.length === 2);
  const fixed = classOutputs.map((o) => o.shape[1]).filter((d): d is number => typeof d === 'number');
  if (fixed.length > 0 && !fixed.includes(labels.length)) {
    bag.add('labels_mismatch', `API \`${api.name}\` lists ${labels.length} labels, but model \`${model.name}\` scores ${fixed.join(' or ')} classes`, {
      span: api.locate('output'),
      hint: 'give one label per class, in class-index order',
    });
  }
}
