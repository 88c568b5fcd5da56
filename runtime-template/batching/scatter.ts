/**
 * Hands a batch's items their results a slice at a time, with a turn of the event loop between slices
 * (`defer`). Each resolve wakes the request's continuation, which formats and writes its answer; a 500-item
 * batch doing all of that in one go held the event loop for ~40 ms (measured under `npm run bench:batching`),
 * and /healthz and newly arrived requests waited behind it. Without `defer` (fake-time tests) all at once.
 */
export const SCATTER_SLICE = 32;

export function scatterResults<TOut>(
  entries: readonly { resolve(value: TOut): void }[],
  results: readonly TOut[],
  defer: ((fn: () => void) => void) | undefined,
): Promise<void> {
  if (!defer || entries.length <= SCATTER_SLICE) {
    entries.forEach((entry, i) => entry.resolve(results[i]!));
    return Promise.resolve();
  }
  return new Promise((done) => {
    const sendFrom = (start: number): void => {
      const end = Math.min(entries.length, start + SCATTER_SLICE);
      for (let i = start; i < end; i += 1) entries[i]!.resolve(results[i]!);
      if (end < entries.length) defer(() => sendFrom(end));
      else done();
    };
    sendFrom(0);
  });
}
