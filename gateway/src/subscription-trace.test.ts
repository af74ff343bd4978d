import { parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { deliverTraced, withoutTraceExtensions } from './subscription-trace.ts';

const delivery = {
  document: parse('subscription { tagValues(tagIds: ["t1"]) { value } }'),
  subgraph: 'timeseries',
  clients: 2,
};
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** What `deliverTraced` hands on for resolution (and so towards the clients). */
async function handedOn(event: ExecutionResult): Promise<ExecutionResult> {
  let seen: ExecutionResult | undefined;
  await deliverTraced(event, delivery, (own) => {
    seen = own;
    return Promise.resolve(own);
  });
  return seen!;
}

describe('deliverTraced', () => {
  it('takes the trace context out of an upstream event', async () => {
    const event = {
      data: { tagValues: { value: 1 } },
      extensions: { traceparent: TRACEPARENT, tracestate: 'plantgraph=1' },
    };
    expect(await handedOn(event)).toEqual({ data: { tagValues: { value: 1 } } });
  });

  it('keeps the extensions that are not trace context', async () => {
    const event = { data: null, extensions: { traceparent: TRACEPARENT, gap: true } };
    expect(await handedOn(event)).toEqual({ data: null, extensions: { gap: true } });
  });

  it('hands on an event without trace context as it is', async () => {
    const event = { data: { tagValues: { value: 2 } } };
    expect(await handedOn(event)).toBe(event);
  });
});

describe('withoutTraceExtensions', () => {
  it('takes the trace context out of every event of a stream', async () => {
    async function* upstream(): AsyncGenerator<ExecutionResult> {
      yield { data: { n: 1 }, extensions: { traceparent: TRACEPARENT } };
      yield { data: { n: 2 } };
    }
    const events: ExecutionResult[] = [];
    for await (const event of withoutTraceExtensions(upstream())) events.push(event);
    expect(events).toEqual([{ data: { n: 1 } }, { data: { n: 2 } }]);
  });

  it('ends the upstream stream at once when the client ends it', async () => {
    let ended = false;
    const never = new Promise<IteratorResult<ExecutionResult>>(() => undefined);
    const upstream: AsyncIterable<ExecutionResult> = {
      [Symbol.asyncIterator]: () => ({
        next: () => never,
        return: () => {
          ended = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
    const stream = withoutTraceExtensions(upstream);
    void stream.next();
    await stream.return?.();
    expect(ended).toBe(true);
  });
});
