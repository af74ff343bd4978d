import type { FormattedExecutionResult } from 'graphql';
import type { Client } from 'graphql-ws';
import { activeEventStreams, ACKNOWLEDGE, isAcknowledgement } from '@plantgraph/graph';

/**
 * Polls `condition` every `intervalMs` until it holds; fails naming `what` after `timeoutMs`. An
 * asynchronous condition (a database read) is awaited before the next poll.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
  intervalMs = 5,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A subscription's results as they arrive, and how it ended. */
export function subscribe(
  on: Client,
  query: string,
  variables: Record<string, unknown> = {},
): {
  results: FormattedExecutionResult<Record<string, unknown>, unknown>[];
  ended: Promise<unknown>;
  stop(): void;
} {
  const results: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];
  let stop: () => void = () => undefined;
  const ended = new Promise((resolve) => {
    stop = on.subscribe(
      { query, variables },
      { next: (result) => results.push(result), error: resolve, complete: () => resolve(null) },
    );
  });
  return { results, ended, stop };
}

/**
 * Subscribes and waits until the stream is live on the bus, so nothing published is missed;
 * `close()` completes it and waits until the server released its bus subscription.
 */
export async function live(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const before = activeEventStreams();
  const subscription = subscribe(client, query, variables);
  await until(() => activeEventStreams() === before + 1, 'the subscription to reach the bus');
  return {
    results: subscription.results,
    async close() {
      subscription.stop();
      await subscription.ended;
      await until(() => activeEventStreams() === before, 'the bus subscription to be released');
    },
  };
}

/**
 * Subscribes asking for the acknowledgement and resolves once it arrived: every event published
 * from then on is delivered. `results` holds what followed it, in order (events, errors, and any
 * later acknowledgement, e.g. `{ subscribed: true, gap: true }` after the upstream was lost).
 * Rejects with the server's answer if the subscription ends before it is acknowledged.
 */
export async function acknowledged(
  on: Client,
  query: string,
  variables: Record<string, unknown> = {},
  timeoutMs = 10_000,
): Promise<{
  results: FormattedExecutionResult<Record<string, unknown>, unknown>[];
  ended: Promise<unknown>;
  stop(): void;
}> {
  const results: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];
  let stop: () => void = () => undefined;
  let acknowledge: () => void = () => undefined;
  let refuse: (reason: Error) => void = () => undefined;
  const acknowledgedNow = new Promise<void>((resolve, reject) => {
    acknowledge = resolve;
    refuse = reject;
  });
  let isAcknowledged = false;
  const ended = new Promise((resolve) => {
    stop = on.subscribe(
      { query, variables, extensions: { [ACKNOWLEDGE]: true } },
      {
        next: (result) => {
          if (!isAcknowledged && isAcknowledgement(result)) {
            isAcknowledged = true;
            acknowledge();
          } else if (isAcknowledged) results.push(result);
          else refuse(new Error(`answered before the acknowledgement: ${JSON.stringify(result)}`));
        },
        error: (error) => {
          refuse(new Error(`ended before the acknowledgement: ${JSON.stringify(error)}`));
          resolve(error);
        },
        complete: () => {
          refuse(new Error('completed before the acknowledgement'));
          resolve(null);
        },
      },
    );
  });
  const timer = setTimeout(
    () => refuse(new Error(`no acknowledgement within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    await acknowledgedNow;
  } catch (error) {
    stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return { results, ended, stop };
}
