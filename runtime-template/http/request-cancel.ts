/**
 * A request's cancellation, as the dispatchers see it (`CancelSignal`): set when the client goes away or the
 * request's time runs out. A plain object with one listener slot instead of an AbortController: a dispatcher
 * listens once per item, and creating AbortControllers cost a tiny model's request a few percent (profiled).
 */
import type { CancelSignal } from '../batching/dispatcher.js';

export class RequestCancel implements CancelSignal {
  aborted = false;
  private listeners: (() => void)[] | undefined;

  addEventListener(_type: 'abort', listener: () => void): void {
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const index = this.listeners?.indexOf(listener) ?? -1;
    if (index >= 0) this.listeners!.splice(index, 1);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.listeners ?? [];
    this.listeners = undefined;
    for (const listener of listeners) listener();
  }
}
