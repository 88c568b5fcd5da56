/**
 * Runs an inference with a cancel signal that fires when the client goes away or the request budget runs out,
 * for the v2 REST routes and the gRPC service (the API routes have their own, in api-routes.ts, tied to the reply).
 * Cancelling lets the dispatcher drop a queued item instead of spending a model call on an answer nobody reads.
 */
import type { FastifyReply } from 'fastify';
import { errors } from '../errors.js';
import { RequestCancel } from '../http/request-cancel.js';

export type Submit<T> = (cancel: RequestCancel) => Promise<T>;

/** `onCancel` registers the transport's "client gone" callback and returns its unregistration. */
export function submitWithDeadline<T>(submit: Submit<T>, timeoutMs: number, onCancel: (abort: () => void) => () => void): Promise<T> {
  const cancel = new RequestCancel();
  const unregister = onCancel(() => cancel.abort());
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cancel.abort();
      reject(errors.timeout(timeoutMs));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      unregister();
    };
    Promise.resolve()
      .then(() => submit(cancel))
      .then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          reject(error);
        },
      );
  });
}

/** `onCancel` for a fastify reply: the client closed the connection before the answer was written. */
export function onReplyClosed(reply: FastifyReply): (abort: () => void) => () => void {
  return (abort) => {
    const onClose = () => {
      if (!reply.raw.writableFinished) abort();
    };
    reply.raw.once('close', onClose);
    return () => reply.raw.off('close', onClose);
  };
}
