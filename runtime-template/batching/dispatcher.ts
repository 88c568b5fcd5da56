/**
 * The seam between an API route and the model workers.
 *
 * A route turns a request into one `item` carrying `rows` rows and submits it; a dispatcher decides
 * when and with which other items it goes to `execute`, which runs one outbound batch and returns one
 * result per item, in order. The direct dispatcher sends every item alone; the CORK dispatcher
 * (cork-dispatcher.ts) batches adaptively; the fixed-timeout one is the TF-Serving-style baseline. All
 * honour this interface, so routes never change.
 */
export interface Dispatcher<TIn, TOut> {
  /**
   * Resolves with this item's result; rejects with a `DispatchError` or the batch's failure. `receivedAt`
   * (the dispatcher's clock, ms) is when the request reached the server; a latency bound counts from it,
   * so time spent reading and parsing the body is not forgotten. Defaults to now.
   */
  submit(item: TIn, rows: number, signal?: CancelSignal, receivedAt?: number): Promise<TOut>;
  /**
   * The refusal an item of `rows` rows would get if submitted now, so a route can answer an overloaded
   * moment before reading and parsing a body it would throw away. A refusal returned here is counted as
   * one (metrics hooks). Undefined: go on (submit may still refuse). Dispatchers that never shed omit it.
   */
  refuseEarly?(rows: number): DispatchError | undefined;
  /** Stops taking new items and resolves once every queued and in-flight item is answered. */
  drain(): Promise<void>;
}

/**
 * What a dispatcher needs of a cancellation signal (the client went away, or its time ran out): an `AbortSignal`
 * is one, and so is the route's lighter one (http/request-cancel.ts), made per request where an AbortController
 * was a visible share of a tiny model's request (profiled).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Runs one outbound batch: one result per item, same order. */
export type ExecuteBatch<TIn, TOut> = (items: TIn[]) => Promise<TOut[]>;

export type DispatchErrorCode = 'shed' | 'too_large' | 'draining' | 'aborted';

/** A dispatcher's refusal of an item; the HTTP layer maps `code` to a status. */
export class DispatchError extends Error {
  constructor(
    readonly code: DispatchErrorCode,
    message: string,
    /** Seconds a shed client should wait before retrying (503 Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    // A refusal is an expected answer, not a fault, and a shedding server makes thousands per second:
    // capturing a stack trace for each cost more main-thread time than the rest of the 503 (profiled).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'DispatchError';
  }
}
