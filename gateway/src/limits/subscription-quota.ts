/** Concurrent subscriptions per caller: a caller at its limit must end one to start another. */
export class SubscriptionQuota {
  readonly #held = new Map<string, number>();

  constructor(readonly maxPerCaller: number) {}

  /** Takes a slot for `key`: the function that gives it back (once), or undefined when full. */
  acquire(key: string): (() => void) | undefined {
    const held = this.#held.get(key) ?? 0;
    if (held >= this.maxPerCaller) return undefined;
    this.#held.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#held.get(key) ?? 1) - 1;
      if (left > 0) this.#held.set(key, left);
      else this.#held.delete(key);
    };
  }

  /** Subscriptions `key` holds now. */
  held(key: string): number {
    return this.#held.get(key) ?? 0;
  }
}

/**
 * `iterator`, calling `release` once it ends: completed, failed, or returned by the client
 * (graphql-ws returns it on `complete` and when the socket closes).
 */
export function releasingOnEnd<T>(
  iterator: AsyncIterator<T>,
  release: () => void,
): AsyncIterableIterator<T> {
  const wrapped: AsyncIterableIterator<T> = {
    next: async () => {
      try {
        const result = await iterator.next();
        if (result.done) release();
        return result;
      } catch (error) {
        release();
        throw error;
      }
    },
    return: async (value?: unknown) => {
      release();
      return (await iterator.return?.(value)) ?? { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => wrapped,
  };
  return wrapped;
}
