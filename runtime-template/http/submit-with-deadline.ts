/**
 * Runs a submission with an abort signal that fires when the client goes away or the request budget runs out;
 * shared by the API routes, the v2 REST routes and the gRPC service.
 */
import type { FastifyReply } from 'fastify';
import { errors } from '../errors.js';

export type Submit<T> = (signal: AbortSignal) => Promise<T>;

/**
 * `onCancel` registers the transport's "client gone" callback and returns its unregistration. Aborting lets the
 * dispatcher drop a queued item instead of spending a model call on an answer nobody reads.
 */
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

export async function submitWithDeadline<T>(submit: Submit<T>, timeoutMs: number, onCancel: (abort: () => void) => () => void): Promise<T> {
  const controller = new AbortController();
  const unregister = onCancel(() => controller.abort());
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = errors.timeout(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([submit(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
    unregister();
  }
}
