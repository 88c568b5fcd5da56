/**
 * CORK: adaptive micro-batching. Items queue in FIFO order and are corked until a worker is free and
 * one of the release rules says go (README.md explains them):
 *   full    — the next queued item would not fit (or the batch holds maxBatchSize rows);
 *   latency — the oldest item's wait + the batch's estimated time (+ margin) reaches maxLatencyMs;
 *   idle    — waiting for the next request is not worth it at the observed arrival rate;
 *   drain   — the dispatcher is draining.
 * An item that can no longer be answered within maxLatencyMs is shed rather than served late.
 */
import { createArrivalRate } from './arrival-rate.js';
import { createSystemClock, type Clock } from './clock.js';
import { createCostModel, type CostEstimate, type CostModelOptions } from './cost-model.js';
import { DispatchError, type CancelSignal, type Dispatcher, type ExecuteBatch } from './dispatcher.js';
import { createDrainLatch } from './drain-latch.js';
import { createWakeTimer } from './wake-timer.js';
import { refuseAtSubmit } from './submit-guard.js';
import {
  computeForecast,
  computeHoldGapMs,
  computeRowsWithinDeadline,
  computeSafetyMs,
  computeSustainRows,
  type Forecast,
} from './release-rule.js';
import { createBatchRunner } from './batch-runner.js';
import { collectBatch } from './collect-batch.js';
import { createRequestQueue, type PendingItem } from './request-queue.js';

export type ReleaseReason = 'full' | 'latency' | 'idle' | 'drain';

export interface BatchEvent {
  rows: number;
  items: number;
  reason: ReleaseReason;
  /** How long the oldest item of the batch waited in the queue (ms). */
  queueWaitMs: number;
  estimatedMs: number;
  actualMs: number;
  /** False when `execute` rejected or returned the wrong number of results. */
  ok: boolean;
}

export interface ShedEvent {
  rows: number;
  /** `admission`: refused at submit; `deadline`: dropped from the queue once it could no longer make it. */
  when: 'admission' | 'deadline';
}

/** Metrics callbacks; they run after the dispatcher's own bookkeeping and their errors are ignored. */
export interface CorkHooks {
  onBatch?(event: BatchEvent): void;
  onShed?(event: ShedEvent): void;
  onEstimate?(estimate: CostEstimate): void;
}

export interface CorkDispatcherOptions<TIn, TOut> {
  execute: ExecuteBatch<TIn, TOut>;
  /** Batches in flight at once: the number of model workers (the outbound semaphore). */
  concurrency: number;
  /** Rows per batch, never exceeded; an item with more rows is refused with `too_large`. */
  maxBatchSize: number;
  /** Latency target per item, ms from submit to answer. */
  maxLatencyMs: number;
  /** @default the system clock */
  clock?: Clock;
  hooks?: CorkHooks;
  /** Lateness allowed for timers when releasing on the latency rule (ms). @default 2 */
  timerSlackMs?: number;
  /**
   * Also refuse at submit an item whose optimistic forecast (queue ahead in full batches on every worker)
   * ends past maxLatencyMs. Keeps an overloaded queue short enough to be served in time, so batches stay
   * full instead of shrinking to fit ever-older heads. @default true
   */
  shedOnForecast?: boolean;
  costModel?: CostModelOptions;
  /** Weight of the newest inter-arrival gap in its running mean. @default 0.125 */
  arrivalSmoothing?: number;
  /** An item's batch key: only items with equal keys share a batch (collect-batch.ts). @default one key for all */
  keyOf?: (item: TIn) => string;
}

interface Flight {
  startedAt: number;
  estimatedMs: number;
}

interface Plan<E> {
  entries: E[];
  rows: number;
  /** Set when the batch cannot grow: the next queued item would not fit. */
  closedBy?: 'full' | 'latency';
}

/** Batches measured before the forecast may refuse anyone (the hopeless rule applies from the first). */
const MIN_SAMPLES_TO_FORECAST = 8;

/** Expected gaps to wait for the next request while corking a batch too small to keep up with the rate. */
const SUSTAIN_PATIENCE = 4;

/** Smallest timer delay (ms), so a boundary case cannot spin in zero-delay timers. */
const MIN_TIMER_MS = 0.5;

export function createCorkDispatcher<TIn, TOut>(options: CorkDispatcherOptions<TIn, TOut>): Dispatcher<TIn, TOut> {
  const { execute, hooks = {} } = options;
  const concurrency = requirePositiveInteger(options.concurrency, 'concurrency');
  const maxBatchSize = requirePositiveInteger(options.maxBatchSize, 'maxBatchSize');
  const maxLatencyMs = options.maxLatencyMs;
  if (!(maxLatencyMs > 0)) throw new RangeError(`maxLatencyMs must be > 0, got ${maxLatencyMs}`);
  const clock = options.clock ?? createSystemClock();
  const timerSlackMs = options.timerSlackMs ?? 2;
  const shedOnForecast = options.shedOnForecast ?? true;
  const cost = createCostModel(options.costModel);
  const arrivals = createArrivalRate({ smoothing: options.arrivalSmoothing });
  const keyOf = options.keyOf ?? (() => '');
  const queue = createRequestQueue<PendingItem<TIn, TOut>>();
  const flights = new Set<Flight>();
  const runner = createBatchRunner(execute, clock, () => settleDrainIfIdle());

  const drainLatch = createDrainLatch();
  const wake = createWakeTimer(clock, () => pump(), MIN_TIMER_MS);
  let nextShedAt = Number.POSITIVE_INFINITY; // a lower bound on when some queued item turns hopeless
  let pumping = false;
  let pumpAgain = false;

  const notify = (call: () => void): void => {
    try {
      call();
    } catch {
      // Metrics must never break serving.
    }
  };
  const hopelessAt = (entry: PendingItem<TIn, TOut>): number => entry.arrivedAt + maxLatencyMs - cost.estimateMs(entry.rows);
  const retryAfterSeconds = (now: number): number => {
    const { startMs, batchRows } = forecast(now, queue.rows(), 0);
    return Math.max(1, Math.ceil((startMs + cost.estimateMs(batchRows)) / 1000));
  };

  function forecast(now: number, rowsAhead: number, rows: number): Forecast {
    const workerFreeInMs = [...flights].map((flight) => Math.max(0, flight.startedAt + flight.estimatedMs - now));
    while (workerFreeInMs.length < concurrency) workerFreeInMs.push(0);
    const inboundRowsPerMs = arrivals.rowsPerMs(now);
    return computeForecast({ rowsAhead, rows, maxBatchSize, cost: cost.current(), workerFreeInMs, inboundRowsPerMs });
  }

  /**
   * Whether a new item is expected to miss its deadline behind the work already there. Its batch is
   * expected to fill with later arrivals. The headroom (10% of the wait ahead, for estimate errors that
   * add up batch after batch, and twice the latency rule's margin) keeps admitted items young enough to
   * ride full batches when they reach the head; without it a small delay makes every later head too old
   * for a full batch and throughput collapses. Under overload the headroom costs no throughput: only a
   * non-empty queue matters, not its length. With nothing ahead and a worker free, only the hopeless
   * rule applies.
   */
  function isForecastLate(now: number, rows: number, waitedMs: number): boolean {
    // A fit over a handful of batches can be wildly off (one preempted batch makes the slope 10× too steep):
    // refuse nobody on it until the window holds a few.
    if (cost.samples() < MIN_SAMPLES_TO_FORECAST) return false;
    // Nothing queued and a worker free (the usual light-load request): skip building the forecast.
    if (queue.size() === 0 && flights.size < concurrency) return false;
    const { startMs, batchRows } = forecast(now, queue.rows(), rows);
    if (startMs <= 0 && queue.size() === 0) return false;
    const estimatedMs = cost.estimateMs(batchRows);
    const headroomMs = 0.1 * startMs + 2 * computeSafetyMs(estimatedMs, timerSlackMs, cost.overrun());
    return waitedMs + startMs + estimatedMs + headroomMs > maxLatencyMs;
  }

  /** The shed an item of `rows` rows that has already waited `waitedMs` gets at admission, counted; or undefined. */
  function refuseAdmission(now: number, rows: number, waitedMs: number): DispatchError | undefined {
    const hopeless = waitedMs + cost.estimateMs(rows) > maxLatencyMs;
    if (!hopeless && !(shedOnForecast && isForecastLate(now, rows, waitedMs))) return undefined;
    notify(() => hooks.onShed?.({ rows, when: 'admission' }));
    return new DispatchError('shed', `cannot answer within ${maxLatencyMs} ms under the current load`, retryAfterSeconds(now));
  }

  function refuseEarly(rows: number): DispatchError | undefined {
    if (drainLatch.draining) return new DispatchError('draining', 'the server is shutting down');
    return refuseAdmission(clock.now(), rows, 0);
  }

  function submit(item: TIn, rows: number, signal?: CancelSignal, receivedAt?: number): Promise<TOut> {
    const refusal = refuseAtSubmit(rows, maxBatchSize, drainLatch.draining, signal);
    if (refusal) return Promise.reject(refusal);
    const now = clock.now();
    const arrivedAt = receivedAt === undefined ? now : Math.min(now, receivedAt);
    const shed = refuseAdmission(now, rows, now - arrivedAt);
    if (shed) return Promise.reject(shed);
    return new Promise<TOut>((resolve, reject) => {
      const entry: PendingItem<TIn, TOut> = { item, rows, key: keyOf(item), arrivedAt, resolve, reject, signal, queued: false };
      if (signal) {
        entry.onAbort = () => {
          if (!entry.queued) return; // already sent: it is answered, and the caller discards the result
          queue.remove(entry);
          reject(new DispatchError('aborted', 'request aborted while queued'));
          pump();
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      queue.push(entry);
      arrivals.record(now, rows);
      nextShedAt = Math.min(nextShedAt, hopelessAt(entry));
      pump();
    });
  }

  function leaveQueue(entry: PendingItem<TIn, TOut>): void {
    queue.remove(entry);
    if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
  }

  /** Sheds every item that cannot make its deadline even alone on a free worker; refreshes nextShedAt. */
  function shedHopeless(now: number): void {
    nextShedAt = Number.POSITIVE_INFINITY;
    for (const entry of queue) {
      const at = hopelessAt(entry);
      if (at < now) {
        leaveQueue(entry);
        notify(() => hooks.onShed?.({ rows: entry.rows, when: 'deadline' }));
        entry.reject(new DispatchError('shed', `could not be answered within ${maxLatencyMs} ms`, retryAfterSeconds(now)));
      } else {
        nextShedAt = Math.min(nextShedAt, at);
      }
    }
  }

  /**
   * The batch that would go out now: the head and the queued items with its batch key, FIFO, within
   * maxBatchSize and within the oldest item's deadline.
   */
  function planBatch(now: number, head: PendingItem<TIn, TOut>): Plan<PendingItem<TIn, TOut>> {
    const deadlineRows = computeRowsWithinDeadline(cost.current(), now - head.arrivedAt, maxLatencyMs, timerSlackMs, cost.overrun());
    // The head goes out even when the margin does not fit: it is not hopeless, so it can still make it.
    const cap = Math.max(head.rows, Math.min(maxBatchSize, deadlineRows));
    const { entries, rows, overflow } = collectBatch(queue, head, cap);
    if (overflow) return { entries, rows, closedBy: rows + overflow.rows <= maxBatchSize ? 'latency' : 'full' };
    return { entries, rows, closedBy: rows >= maxBatchSize ? 'full' : undefined };
  }

  /**
   * Whether the head's deadline cuts the batch to less than half of what is queued and would fit. Sending it
   * would spend a worker on a small, costly batch while younger items age behind it: under overload (run-time
   * jitter makes heads older than forecast) each stunted batch leaves older heads, and throughput spirals down.
   * Shedding the stale head instead keeps batches full; it is served late either way or not at all.
   */
  function isStunted(plan: Plan<PendingItem<TIn, TOut>>, head: PendingItem<TIn, TOut>): boolean {
    if (plan.closedBy !== 'latency' || drainLatch.draining) return false;
    return plan.rows < Math.min(maxBatchSize, queue.rowsOfKey(head.key)) / 2;
  }

  function shedStale(now: number, head: PendingItem<TIn, TOut>): void {
    leaveQueue(head);
    notify(() => hooks.onShed?.({ rows: head.rows, when: 'deadline' }));
    head.reject(new DispatchError('shed', `could not be answered within ${maxLatencyMs} ms`, retryAfterSeconds(now)));
  }

  /** A release reason, or the time at which to look again. */
  function decide(now: number, head: PendingItem<TIn, TOut>, plan: Plan<PendingItem<TIn, TOut>>): ReleaseReason | number {
    if (drainLatch.draining) return 'drain';
    if (plan.closedBy) return plan.closedBy;
    const estimatedMs = cost.estimateMs(plan.rows);
    const latencyAt = head.arrivedAt + maxLatencyMs - estimatedMs - computeSafetyMs(estimatedMs, timerSlackMs, cost.overrun());
    if (now >= latencyAt) return 'latency';
    const gapMs = arrivals.expectedGapMs(now);
    const lastAt = arrivals.lastArrivalAt();
    if (gapMs === undefined || lastAt === undefined) return 'idle';
    const sustainRows = computeSustainRows({ inboundRowsPerMs: arrivals.rowsPerMs(now), cost: cost.current(), concurrency });
    if (plan.rows < Math.min(maxBatchSize, sustainRows)) {
      // Too small to keep up with the inbound rate: keep corking while requests keep coming (within
      // SUSTAIN_PATIENCE expected gaps of the last one), up to the latency deadline.
      const giveUpAt = lastAt + SUSTAIN_PATIENCE * gapMs;
      if (now < giveUpAt) return Math.min(latencyAt, giveUpAt);
    }
    const holdMs = computeHoldGapMs({
      rows: plan.rows,
      cost: cost.current(),
      rowsPerRequest: arrivals.rowsPerRequest(),
      concurrency,
    });
    if (gapMs >= holdMs) return 'idle';
    // The next request is expected soon enough to be worth it; give up on it at lastAt + holdMs.
    return Math.min(latencyAt, lastAt + holdMs);
  }

  function pump(): void {
    if (pumping) {
      pumpAgain = true; // an abort or hook re-entered: finish this pass, then look again
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        pumpOnce();
      } while (pumpAgain);
    } finally {
      pumping = false;
    }
  }

  function pumpOnce(): void {
    const now = clock.now();
    if (now >= nextShedAt) shedHopeless(now);
    let wakeAt = queue.size() > 0 ? nextShedAt : Number.POSITIVE_INFINITY;
    while (flights.size < concurrency) {
      const head = queue.peek();
      if (!head) break;
      const plan = planBatch(now, head);
      if (isStunted(plan, head)) {
        shedStale(now, head);
        continue;
      }
      const decision = decide(now, head, plan);
      if (typeof decision === 'number') {
        wakeAt = Math.min(wakeAt, decision);
        break;
      }
      dispatch(now, plan, decision);
    }
    wake.wakeAt(now, queue.size() > 0 ? wakeAt : Number.POSITIVE_INFINITY);
    settleDrainIfIdle();
  }

  /** Drained means every item answered: none queued, none running, none waiting for its slice of a scatter. */
  function settleDrainIfIdle(): void {
    drainLatch.settleIfIdle(queue.size() === 0 && runner.idle());
  }


  function dispatch(now: number, plan: Plan<PendingItem<TIn, TOut>>, reason: ReleaseReason): void {
    const batch = plan.entries;
    for (const entry of batch) leaveQueue(entry);
    const flight: Flight = { startedAt: now, estimatedMs: cost.estimateMs(plan.rows) };
    flights.add(flight);
    const queueWaitMs = now - batch[0]!.arrivedAt;
    runner.run(batch, (ok, actualMs) => {
      flights.delete(flight);
      if (ok) {
        const estimate = cost.record(plan.rows, actualMs);
        nextShedAt = Number.NEGATIVE_INFINITY; // deadlines moved with the estimate: rescan on this pump
        notify(() => hooks.onEstimate?.(estimate));
      }
      const event = { rows: plan.rows, items: batch.length, reason, queueWaitMs, estimatedMs: flight.estimatedMs };
      notify(() => hooks.onBatch?.({ ...event, actualMs, ok }));
      pump();
    });
  }

  function drain(): Promise<void> {
    return drainLatch.start(pump);
  }

  return { submit, refuseEarly, drain };
}

function requirePositiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1, got ${value}`);
  return value;
}
