import { describe, expect, it } from 'vitest';
import {
  acknowledgedFirst,
  acknowledgement,
  isAcknowledgement,
  wantsAcknowledgement,
} from './subscription-acknowledgement.ts';

/** A stream of `items` that records whether it was returned. */
function source(items: number[]) {
  const state = { returned: false };
  async function* generate() {
    try {
      yield* items;
    } finally {
      state.returned = true;
    }
  }
  return { stream: generate(), state };
}

describe('subscription acknowledgement', () => {
  it('is asked for with extensions.acknowledge true and nothing else', () => {
    expect(wantsAcknowledgement({ extensions: { acknowledge: true } })).toBe(true);
    expect(wantsAcknowledgement({ extensions: { acknowledge: 'yes' } })).toBe(false);
    expect(wantsAcknowledgement({ extensions: null })).toBe(false);
    expect(wantsAcknowledgement({})).toBe(false);
  });

  it('tells an acknowledgement from an event', () => {
    expect(isAcknowledgement(acknowledgement())).toBe(true);
    expect(isAcknowledgement(acknowledgement(true))).toBe(true);
    expect(isAcknowledgement({ data: { a: 1 }, extensions: { subscribed: true } })).toBe(false);
    expect(isAcknowledgement({ errors: [], extensions: { subscribed: true } })).toBe(false);
    expect(isAcknowledgement({ data: { a: 1 }, extensions: { gap: true } })).toBe(false);
  });

  it('yields the acknowledgement first, then the stream', async () => {
    const { stream } = source([1, 2]);
    const received: unknown[] = [];
    for await (const item of acknowledgedFirst(stream)) received.push(item);
    expect(received).toEqual([{ extensions: { subscribed: true } }, 1, 2]);
  });

  it('returns the stream when the client leaves', async () => {
    const { stream, state } = source([1]);
    const acknowledged = acknowledgedFirst(stream);
    await acknowledged.next();
    await acknowledged.next();
    await acknowledged.return?.();
    expect(state.returned).toBe(true);
    expect(await acknowledged.next()).toEqual({ value: undefined, done: true });
  });
});
