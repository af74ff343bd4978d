import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import type { Sink } from 'graphql-ws';
import { PlantgraphClientError } from './client-error.ts';

/** One event of a subscription: its data, with any errors of fields that failed for it. */
export interface SubscriptionEvent<TData> {
  data: TData;
  errors?: readonly GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

/**
 * A running subscription: iterate it for its events. Iteration ends when the server completes the
 * subscription and throws a {@link PlantgraphClientError} when it fails (GraphQL errors without
 * data, or the socket closed for good, e.g. 4403 when the credentials were revoked or expired).
 * Leaving the loop (`break`, `return()`) unsubscribes.
 */
export interface Subscription<TData> extends AsyncIterableIterator<SubscriptionEvent<TData>> {
  /**
   * Settles once the gateway listens, when subscribed with `acknowledge: true`: every event
   * committed after that is delivered. Rejects if the subscription ends before. Without
   * `acknowledge` it is resolved at once and promises nothing.
   */
  readonly subscribed: Promise<void>;
  /**
   * How often the gateway reported that events may have been missed (it lost and regained its
   * upstream, or the client reconnected); only counted with `acknowledge: true`.
   */
  readonly gaps: number;
  /** Unsubscribes; iteration ends. */
  return(): Promise<IteratorReturnResult<undefined>>;
}

type Result = FormattedExecutionResult<Record<string, unknown>, Record<string, unknown>>;

/** The acknowledgement of docs/subscriptions.md: no data, no errors, `extensions.subscribed`. */
function isAcknowledgement(result: Result): boolean {
  return result.data === undefined && !result.errors && result.extensions?.['subscribed'] === true;
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}

/** What graphql-ws hands the error sink, as one error type. */
export function subscriptionError(error: unknown): PlantgraphClientError {
  if (error instanceof PlantgraphClientError) return error;
  if (Array.isArray(error))
    return PlantgraphClientError.fromErrors(error as GraphQLFormattedError[]);
  if (isCloseEvent(error)) {
    return new PlantgraphClientError(
      `The subscription socket closed (${error.code}${error.reason ? `: ${error.reason}` : ''})`,
      { closeCode: error.code },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PlantgraphClientError(`The subscription failed: ${message}`, { cause: error });
}

/**
 * A pull-based {@link Subscription} over graphql-ws's push-based `subscribe(payload, sink)`:
 * events wait in order until read, so nothing is lost between two reads.
 */
export function subscription<TData>(
  start: (sink: Sink<Result>) => () => void,
  acknowledge: boolean,
): Subscription<TData> {
  const pending: SubscriptionEvent<TData>[] = [];
  let ended: { error?: PlantgraphClientError } | undefined;
  let wake: (() => void) | undefined;
  let acknowledged = !acknowledge;
  let gaps = 0;
  let settle: { resolve(): void; reject(error: Error): void } | undefined;
  const subscribed = acknowledge
    ? new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
    : Promise.resolve();
  // Nobody has to wait for it; an unobserved rejection must not crash the process.
  subscribed.catch(() => undefined);

  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const finish = (error?: PlantgraphClientError) => {
    if (ended) return;
    ended = error ? { error } : {};
    settle?.reject(error ?? new PlantgraphClientError('The subscription ended unacknowledged'));
    notify();
  };
  const onResult = (result: Result) => {
    if (isAcknowledgement(result)) {
      // A later acknowledgement follows a lost upstream ({ gap: true }) or a resubscription
      // after a reconnect: either way events may be missing.
      if (acknowledged) gaps++;
      acknowledged = true;
      settle?.resolve();
      return;
    }
    if (result.data === undefined || result.data === null) {
      finish(PlantgraphClientError.fromErrors(result.errors ?? [], { data: result.data }));
      dispose();
      return;
    }
    pending.push(result as SubscriptionEvent<TData>);
    notify();
  };
  const dispose = start({
    next: onResult,
    error: (error) => finish(subscriptionError(error)),
    complete: () => finish(),
  });

  const done = { value: undefined, done: true } as const;
  const iterator: Subscription<TData> = {
    subscribed,
    get gaps() {
      return gaps;
    },
    async next() {
      for (;;) {
        const event = pending.shift();
        if (event) return { value: event, done: false };
        if (ended?.error) {
          const { error } = ended;
          ended = {};
          throw error;
        }
        if (ended) return done;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async return() {
      finish();
      dispose();
      return done;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
