/** One item's result inside a batch: a batched call can fail for one item without failing its neighbours. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export function toOutcomes(results: PromiseSettledResult<unknown>[]): Outcome[] {
  return results.map((result) =>
    result.status === 'fulfilled' ? { ok: true, value: result.value } : { ok: false, error: result.reason },
  );
}
