import { describe, expect, it } from 'vitest';
import { DispatchError } from '../../../runtime-template/batching/index.js';
import { codeOf, setUp, type Setup } from './cork-setup.js';
import { track, type Outcome } from './fake-time.js';

/** Admission sheds counted so far (refuseEarly and submit both report them through onShed). */
const admissions = (setup: Setup): number => setup.sheds.filter((event) => event.when === 'admission').length;

/** Runs `count` lone 1-row batches, `gapMs` apart, so the cost model holds enough samples to forecast. */
async function teach({ clock, dispatcher }: Setup, count: number, gapMs: number): Promise<Outcome<string>[]> {
  const outcomes: Outcome<string>[] = [];
  for (let i = 0; i < count; i += 1) {
    outcomes.push(track(dispatcher.submit(`teach${i}`, 1), clock));
    await clock.advance(gapMs);
  }
  return outcomes;
}

describe('CORK dispatcher: refuseEarly', () => {
  it('refuses nothing on an idle dispatcher, and leaves no trace: nothing queued, no arrival recorded', async () => {
    const setup = setUp({ a: 0.1, b: 20 });
    const { clock, model, sheds, dispatcher } = setup;
    for (let i = 0; i < 50; i += 1) expect(dispatcher.refuseEarly!(1)).toBeUndefined();
    expect(dispatcher.refuseEarly!(100)).toBeUndefined(); // a whole batch: 30 ms, far inside 1000 ms
    expect(sheds).toEqual([]);
    expect(model.batches).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
    // Had the probes counted as arrivals (50 requests 0 ms apart), this one would be held for companions.
    const outcome = track(dispatcher.submit('x', 1), clock);
    expect(model.batches).toEqual([{ items: ['x'], startedAt: 0 }]);
    await clock.advance(21);
    expect(outcome).toEqual({ value: 'out:x', at: 20.1 });
  });

  it('refuses on an idle dispatcher only what could not make it even alone: the hopeless rule, counted once', async () => {
    const { clock, model, sheds, dispatcher } = setUp({ a: 1, b: 40 }, { maxLatencyMs: 50 });
    expect(dispatcher.refuseEarly!(10)).toBeUndefined(); // 50 ms: just in time
    const refusal = dispatcher.refuseEarly!(11); // 51 ms > 50 ms
    expect(refusal).toBeInstanceOf(DispatchError);
    expect(refusal!.code).toBe('shed');
    expect(refusal!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(sheds).toEqual([{ rows: 11, when: 'admission' }]);
    // submit agrees at the same instant
    const hopeless = track(dispatcher.submit('eleven', 11), clock);
    const feasible = track(dispatcher.submit('ten', 10), clock);
    await clock.advance(100);
    expect(codeOf(hopeless)).toBe('shed');
    expect(feasible.value).toBe('out:ten');
    expect(model.batches.map((batch) => batch.items)).toEqual([['ten']]);
    expect(sheds).toEqual([
      { rows: 11, when: 'admission' },
      { rows: 11, when: 'admission' },
    ]);
  });

  it('counts each refusal through onShed exactly once, with its rows, and nothing for a probe it lets through', () => {
    const { sheds, dispatcher } = setUp({ a: 1, b: 40 }, { maxLatencyMs: 50 });
    const refusals = [11, 12, 11, 30].map((rows) => dispatcher.refuseEarly!(rows));
    expect(refusals.map((refusal) => refusal?.code)).toEqual(['shed', 'shed', 'shed', 'shed']);
    expect(dispatcher.refuseEarly!(1)).toBeUndefined();
    expect(dispatcher.refuseEarly!(10)).toBeUndefined();
    expect(sheds).toEqual([11, 12, 11, 30].map((rows) => ({ rows, when: 'admission' })));
  });

  it("answers 'draining' after drain(), like submit, before any shed rule and without counting a shed", async () => {
    const { clock, sheds, dispatcher } = setUp({ a: 1, b: 40 }, { maxLatencyMs: 50 });
    const inFlight = track(dispatcher.submit('in-flight', 1), clock); // runs 0..41
    expect(dispatcher.refuseEarly!(1)).toBeUndefined();
    let drained = false;
    void dispatcher.drain().then(() => {
      drained = true;
    });
    const early = dispatcher.refuseEarly!(1);
    expect(early).toBeInstanceOf(DispatchError);
    expect(early!.code).toBe('draining');
    expect(dispatcher.refuseEarly!(11)!.code).toBe('draining'); // hopeless too, but draining comes first
    const late = track(dispatcher.submit('late', 1), clock);
    await clock.advance(1);
    expect(codeOf(late)).toBe('draining');
    expect(drained).toBe(false);
    await clock.advance(50);
    expect(drained).toBe(true);
    expect(inFlight.value).toBe('out:in-flight');
    expect(dispatcher.refuseEarly!(1)!.code).toBe('draining');
    expect(sheds).toEqual([]);
  });

  it('sheds under a learned backlog, with a Retry-After, and submit agrees at that instant', async () => {
    // One worker, 10-row batches of 10 ms, 100 ms budget: about 8 full batches can wait in time.
    const setup = setUp({ a: 0.5, b: 5 }, { maxBatchSize: 10, maxLatencyMs: 100 });
    const { clock, sheds, dispatcher } = setup;
    const taught = await teach(setup, 10, 50);
    expect(taught.every((outcome) => outcome.value !== undefined)).toBe(true);
    expect(dispatcher.refuseEarly!(1)).toBeUndefined();

    // A burst at one instant: each probe first, then the item, until the probe says no.
    const admitted: { sentAt: number; outcome: Outcome<string> }[] = [];
    let refusal: DispatchError | undefined;
    for (let i = 0; i < 500 && !refusal; i += 1) {
      refusal = dispatcher.refuseEarly!(1);
      if (refusal) break;
      const before = admissions(setup);
      admitted.push({ sentAt: clock.now(), outcome: track(dispatcher.submit(`b${i}`, 1), clock) });
      expect(admissions(setup)).toBe(before); // queued, not shed
    }
    expect(refusal).toBeDefined();
    expect(refusal!.code).toBe('shed');
    expect(refusal!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // A backlog refused it, not the hopeless rule (1 row takes 5.5 ms): tens of items were taken first.
    expect(admitted.length).toBeGreaterThan(30);
    expect(admitted.length).toBeLessThan(100);
    expect(sheds).toEqual([{ rows: 1, when: 'admission' }]);

    const refused = track(dispatcher.submit('refused', 1), clock); // same instant
    expect(sheds).toEqual([
      { rows: 1, when: 'admission' },
      { rows: 1, when: 'admission' },
    ]);
    await clock.advance(0);
    expect(codeOf(refused)).toBe('shed');
    expect((refused.error as DispatchError).retryAfterSeconds).toBeGreaterThanOrEqual(1);

    await clock.advance(300);
    // Everything taken in was served, in time; once the backlog is gone the probe lets requests in again.
    for (const { sentAt, outcome } of admitted) {
      expect(outcome.value).toBeDefined();
      expect(outcome.at! - sentAt).toBeLessThanOrEqual(100);
    }
    expect(sheds).toHaveLength(2);
    expect(dispatcher.refuseEarly!(1)).toBeUndefined();
  });

  it('agrees with submit at every instant of an overloaded run', async () => {
    const rowsOf = (item: string): number => (item.startsWith('r') ? 1 + (Number(item.slice(1)) % 3) : 1);
    const setup = setUp({ a: 0.5, b: 5 }, { maxBatchSize: 10, maxLatencyMs: 100, rowsOf });
    const { clock, dispatcher } = setup;
    await teach(setup, 10, 50);
    let refusedEarly = 0;
    let queued = 0;
    const refusedOutcomes: Outcome<string>[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const name = `r${i}`;
      const rows = rowsOf(name);
      const before = admissions(setup);
      const early = dispatcher.refuseEarly!(rows);
      expect(admissions(setup)).toBe(before + (early ? 1 : 0));
      const outcome = track(dispatcher.submit(name, rows), clock);
      // submit sheds at admission exactly when the probe said it would
      expect(admissions(setup), `request ${i} at ${clock.now()} ms`).toBe(before + (early ? 2 : 0));
      if (early) {
        expect(early.code).toBe('shed');
        refusedEarly += 1;
        refusedOutcomes.push(outcome);
      } else {
        queued += 1;
      }
      await clock.advance(0.5); // 4 rows/ms offered, 1 row/ms served at most
    }
    await clock.advance(300);
    expect(refusedEarly).toBeGreaterThan(1000);
    expect(queued).toBeGreaterThan(300);
    expect(refusedOutcomes.every((outcome) => codeOf(outcome) === 'shed')).toBe(true);
  });
});

describe('CORK dispatcher: receivedAt', () => {
  /** Two workers, b = 20 ms, 30 ms budget: 'b', 1 ms after 'a', is held for a companion until the latency rule. */
  async function latencyRelease(receivedAtOffsetMs?: number) {
    const setup = setUp({ a: 0, b: 20 }, { concurrency: 2, maxLatencyMs: 30 });
    const { clock, model, batches, dispatcher } = setup;
    await clock.advance(100);
    track(dispatcher.submit('a', 1), clock);
    await clock.advance(1);
    const receivedAt = receivedAtOffsetMs === undefined ? undefined : clock.now() + receivedAtOffsetMs;
    const b = track(dispatcher.submit('b', 1, undefined, receivedAt), clock);
    await clock.advance(200);
    return { batch: batches[1]!, startedAt: model.batches[1]!.startedAt, b };
  }

  it('counts the latency budget from receivedAt: a batch whose item already waited goes out that much earlier', async () => {
    const now = await latencyRelease();
    // Released when 'b' had waited 30 - 20 (estimate) - 4 (margin) = 6 ms since its submit at t = 101.
    expect(now).toMatchObject({ batch: { reason: 'latency', items: 1, queueWaitMs: 6 }, startedAt: 107 });
    expect(now.b).toEqual({ value: 'out:b', at: 127 });
    const earlier = await latencyRelease(-4); // received at t = 97
    expect(earlier).toMatchObject({ batch: { reason: 'latency', items: 1, queueWaitMs: 6 }, startedAt: 103 });
    expect(earlier.b).toEqual({ value: 'out:b', at: 123 }); // 26 ms after it was received: within 30
  });

  it('treats a receivedAt in the future as now', async () => {
    const future = await latencyRelease(10);
    expect(future).toMatchObject({ batch: { reason: 'latency', queueWaitMs: 6 }, startedAt: 107 });
    expect(future.b).toEqual({ value: 'out:b', at: 127 });

    // Taken at face value, a future receivedAt would give an 11-row item (51 ms > 50 ms) 5 ms of credit.
    const { clock, model, sheds, dispatcher } = setUp({ a: 1, b: 40 }, { maxLatencyMs: 50 });
    await clock.advance(100);
    const hopeless = track(dispatcher.submit('eleven', 11, undefined, 105), clock);
    await clock.advance(100);
    expect(codeOf(hopeless)).toBe('shed');
    expect(sheds).toEqual([{ rows: 11, when: 'admission' }]);
    expect(model.batches).toEqual([]);
  });

  it('sheds at submit an item whose wait since receivedAt leaves no time for its batch', async () => {
    const { clock, model, sheds, dispatcher } = setUp({ a: 1, b: 40 }, { maxLatencyMs: 50 });
    await clock.advance(100);
    // A 1-row batch takes 41 ms: received 10 ms ago it would answer at 51 ms; 9 ms ago, at exactly 50 ms.
    const tooOld = track(dispatcher.submit('too-old', 1, undefined, 90), clock);
    const justInTime = track(dispatcher.submit('just-in-time', 1, undefined, 91), clock);
    await clock.advance(0);
    expect(codeOf(tooOld)).toBe('shed');
    expect((tooOld.error as DispatchError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(sheds).toEqual([{ rows: 1, when: 'admission' }]);
    await clock.advance(100);
    expect(justInTime).toEqual({ value: 'out:just-in-time', at: 141 }); // 50 ms after it was received
    expect(model.batches.map((batch) => batch.items)).toEqual([['just-in-time']]);
    // Without receivedAt the same item is served.
    const fresh = track(dispatcher.submit('fresh', 1), clock);
    await clock.advance(100);
    expect(fresh.value).toBe('out:fresh');
  });

  it('sheds a queued item once it turns hopeless counted from receivedAt, not from submit', async () => {
    async function shedAt(receivedAtOffsetMs?: number): Promise<number | undefined> {
      const { clock, sheds, dispatcher } = setUp({ a: 0, b: 30 }, { maxLatencyMs: 50, shedOnForecast: false });
      await clock.advance(100);
      const first = track(dispatcher.submit('first', 1), clock); // the worker is busy until t = 130
      await clock.advance(1);
      const receivedAt = receivedAtOffsetMs === undefined ? undefined : clock.now() + receivedAtOffsetMs;
      const late = track(dispatcher.submit('late', 1, undefined, receivedAt), clock);
      await clock.advance(100);
      expect(first.value).toBe('out:first');
      expect(codeOf(late)).toBe('shed');
      expect(sheds).toEqual([{ rows: 1, when: 'deadline' }]);
      return late.at;
    }
    // Hopeless once 50 - 30 = 20 ms have passed since it counts: t = 121 from submit, t = 116 from receivedAt.
    const fromSubmit = (await shedAt())!;
    expect(fromSubmit).toBeGreaterThan(121);
    expect(fromSubmit).toBeLessThan(122);
    const fromReceived = (await shedAt(-5))!;
    expect(fromReceived).toBeGreaterThan(116);
    expect(fromReceived).toBeLessThan(117);
  });

  it('adds the time already waited to the forecast: behind a busy worker an old item is refused that a fresh one is not', async () => {
    // One worker, 20 ms per batch whatever its size, 100 ms budget. Behind a batch just sent, a new item
    // forecasts 20 ms wait + 20 ms batch + 10 ms headroom = 50 ms; the hopeless rule alone allows 80 ms of waiting.
    const setup = setUp({ a: 0, b: 20 }, { maxBatchSize: 10, maxLatencyMs: 100 });
    const { clock, model, sheds, dispatcher } = setup;
    await teach(setup, 10, 100);
    track(dispatcher.submit('busy', 1), clock); // runs now .. now + 20
    const now = clock.now();
    expect(model.batches.at(-1)).toEqual({ items: ['busy'], startedAt: now });
    expect(dispatcher.refuseEarly!(1)).toBeUndefined();
    const waited40 = track(dispatcher.submit('waited-40', 1, undefined, now - 40), clock);
    const waited60 = track(dispatcher.submit('waited-60', 1, undefined, now - 60), clock);
    await clock.advance(0);
    expect(codeOf(waited60)).toBe('shed');
    expect(sheds).toEqual([{ rows: 1, when: 'admission' }]);
    await clock.advance(40); // both batches done: the worker is free and nothing is queued, so only the hopeless rule applies
    const alone = track(dispatcher.submit('waited-60-alone', 1, undefined, clock.now() - 60), clock);
    await clock.advance(100);
    expect(waited40).toEqual({ value: 'out:waited-40', at: now + 40 }); // 80 ms after it was received
    expect(alone.value).toBe('out:waited-60-alone');
    expect(sheds).toHaveLength(1);
  });
});
