import type { ExecutionResult } from 'graphql';

/**
 * A per-subscription acknowledgement over graphql-ws. The protocol (graphql-transport-ws)
 * acknowledges a connection, never a subscription: between a `subscribe` message and its first
 * `next`, a client cannot tell whether the server is listening yet, and an event committed in
 * that window may be lost. The contract, the same on both hops (client → gateway, gateway →
 * subgraph):
 *
 * - A client asks for it with `extensions: { acknowledge: true }` in the subscribe payload.
 *   Without it nothing changes: the stream carries events only.
 * - The server then sends, as that subscription's first `next`, a payload with no `data` and no
 *   `errors`: `{ "extensions": { "subscribed": true } }`. It goes out only once the subscription
 *   is live, so every event committed after the client received it is delivered.
 * - A subgraph sends it once graphql-js has the subscription's source stream, i.e. once the
 *   resolver's bus subscription is confirmed by the broker (`eventStream` awaits the SUBACK).
 *   The gateway consumes the subgraph's (it never reaches a client) and sends its own once the
 *   upstream subscription is live.
 * - If the gateway loses the upstream and resubscribes (a subgraph replica restarted), events
 *   committed meanwhile may be missing. The first message to each client after the upstream is
 *   live again carries `extensions: { gap: true }`: a repeated acknowledgement
 *   `{ subscribed: true, gap: true }` for clients that asked for acknowledgements, else the next
 *   event.
 */
export const ACKNOWLEDGE = 'acknowledge';

/** Whether a subscribe payload asks for the acknowledgement. */
export function wantsAcknowledgement(payload: {
  extensions?: Record<string, unknown> | null | undefined;
}): boolean {
  return payload.extensions?.[ACKNOWLEDGE] === true;
}

/** The acknowledgement; `gap` when events may have been missed since the last message. */
export function acknowledgement(gap = false): ExecutionResult {
  return { extensions: gap ? { subscribed: true, gap: true } : { subscribed: true } };
}

/** Whether a result is an acknowledgement rather than an event. */
export function isAcknowledgement(result: {
  data?: unknown;
  errors?: unknown;
  extensions?: unknown;
}): boolean {
  const extensions = result.extensions as Record<string, unknown> | null | undefined;
  return result.data === undefined && !result.errors && extensions?.subscribed === true;
}

/**
 * `stream` with the acknowledgement first. Call it only once `stream` is live; `return()` and
 * `throw()` reach `stream`, so a client leaving releases what it holds.
 */
export function acknowledgedFirst<T>(
  stream: AsyncIterable<T>,
): AsyncIterableIterator<T | ExecutionResult> {
  const inner = stream[Symbol.asyncIterator]();
  let acknowledged = false;
  const done = { value: undefined, done: true } as const;
  const iterator: AsyncIterableIterator<T | ExecutionResult> = {
    next: async () => {
      if (acknowledged) return inner.next();
      acknowledged = true;
      return { value: acknowledgement(), done: false };
    },
    return: async () => {
      acknowledged = true;
      await inner.return?.();
      return done;
    },
    throw: async (error: unknown) => {
      acknowledged = true;
      if (inner.throw) return inner.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
