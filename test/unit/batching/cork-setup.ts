/** The CORK dispatcher under fake time, as the CORK unit tests set it up. */
import {
  createCorkDispatcher,
  DispatchError,
  type BatchEvent,
  type CorkDispatcherOptions,
  type ShedEvent,
} from '../../../runtime-template/batching/index.js';
import { createFakeClock, createFakeModel, type FakeClock, type FakeModelOptions, type Outcome } from './fake-time.js';

export interface Setup {
  clock: FakeClock;
  model: ReturnType<typeof createFakeModel<string>>;
  batches: BatchEvent[];
  sheds: ShedEvent[];
  dispatcher: ReturnType<typeof createCorkDispatcher<string, string>>;
}

/** A dispatcher over a fake model costing a·n + b ms; the cost model starts already knowing a and b. */
export function setUp(
  cost: { a: number; b: number },
  options: Partial<CorkDispatcherOptions<string, string>> & FakeModelOptions<string> = {},
): Setup {
  const clock = createFakeClock();
  const model = createFakeModel<string>(clock, cost, options);
  const batches: BatchEvent[] = [];
  const sheds: ShedEvent[] = [];
  const dispatcher = createCorkDispatcher<string, string>({
    execute: (items) => model.execute(items),
    concurrency: 1,
    maxBatchSize: 100,
    maxLatencyMs: 1000,
    clock,
    costModel: { prior: cost },
    hooks: { onBatch: (event) => batches.push(event), onShed: (event) => sheds.push(event) },
    ...options,
  });
  return { clock, model, batches, sheds, dispatcher };
}

export function codeOf(outcome: Outcome<unknown>): string | undefined {
  return outcome.error instanceof DispatchError ? outcome.error.code : undefined;
}
