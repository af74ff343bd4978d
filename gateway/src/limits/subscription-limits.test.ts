import type { IncomingMessage } from 'node:http';
import { buildSchema, GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { memorySubscriptionSlots } from './limit-store.ts';
import { DEFAULT_COST_MODEL } from './operation-cost.ts';
import { operationHash, OperationsAllowList } from './operations-allowlist.ts';
import { subscriptionLimits, type SubscriptionCaller } from './subscription-limits.ts';

const schema = buildSchema(`
  type Query { ok: Boolean }
  type Subscription { ticks(first: Int): [Tick!]! }
  type Tick { at: String next: Tick }
`);
const TICKS = 'subscription { ticks { at } }';

const caller = (address: string) =>
  ({
    extra: { request: { socket: { remoteAddress: address } } as IncomingMessage },
  }) as SubscriptionCaller;

const limits = (options: { allowList?: OperationsAllowList; maxPerCaller?: number } = {}) =>
  subscriptionLimits({
    schema,
    operationLimits: { maxDepth: 3, maxCost: 100, costModel: DEFAULT_COST_MODEL },
    slots: memorySubscriptionSlots(options.maxPerCaller ?? 10),
    keyOf: (connection) => connection.extra.request.socket.remoteAddress ?? '',
    allowList: options.allowList,
  });

const codes = (admitted: ExecutionArgs | readonly GraphQLError[]) =>
  Array.isArray(admitted)
    ? (admitted as GraphQLError[]).map((error) => error.extensions.code ?? error.message)
    : [];

async function* forever(): AsyncGenerator<ExecutionResult> {
  for (;;) yield await new Promise<ExecutionResult>(() => undefined);
}

describe('subscriptionLimits', () => {
  it('admits a valid operation with its variables', () => {
    const admitted = limits().onSubscribe(caller('a'), '1', {
      query: 'subscription ($n: Int) { ticks(first: $n) { at } }',
      variables: { n: 5 },
    });
    expect(codes(admitted)).toEqual([]);
    expect(admitted).toMatchObject({ schema, variableValues: { n: 5 } });
  });

  it('returns syntax, validation and limit errors for the operation', () => {
    const subscribe = (query: string, variables?: Record<string, unknown>) =>
      codes(limits().onSubscribe(caller('a'), '1', { query, variables }));
    expect(subscribe('subscription {')).toEqual(['Syntax Error: Expected Name, found <EOF>.']);
    expect(subscribe('subscription { nothing }')).toEqual([
      'Cannot query field "nothing" on type "Subscription".',
    ]);
    expect(subscribe('subscription { ticks(first: 1) { next { next { at } } } }')).toEqual([
      'QUERY_TOO_COMPLEX',
    ]);
    expect(subscribe('subscription ($n: Int) { ticks(first: $n) { at } }', { n: 1000 })).toEqual([
      'QUERY_TOO_COMPLEX',
    ]);
  });

  it('runs only allow-listed operations, also by hash alone', () => {
    const allowList = new OperationsAllowList({ [operationHash(TICKS)]: TICKS });
    const { onSubscribe } = limits({ allowList });
    expect(codes(onSubscribe(caller('a'), '1', { query: TICKS }))).toEqual([]);
    const byHash = onSubscribe(caller('a'), '2', {
      query: '',
      extensions: { persistedQuery: { version: 1, sha256Hash: operationHash(TICKS) } },
    });
    expect(codes(byHash)).toEqual([]);
    expect(
      codes(onSubscribe(caller('a'), '3', { query: 'subscription { ticks { next { at } } }' })),
    ).toEqual(['PERSISTED_QUERY_NOT_ALLOWED']);
  });

  it("refuses a caller's subscription beyond its quota until one ends", async () => {
    const { onSubscribe, subscribe } = limits({ maxPerCaller: 1 });
    const start = async (address: string) => {
      const args = onSubscribe(caller(address), '1', { query: TICKS }) as ExecutionArgs;
      return subscribe(args, () => forever());
    };
    const first = (await start('a')) as AsyncGenerator<ExecutionResult>;
    const refused = (await start('a')) as ExecutionResult;
    expect(refused.errors?.[0]?.message).toBe(
      'At most 1 subscriptions at once per caller; end one to start another',
    );
    expect(refused.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', limit: 1 });
    expect(Symbol.asyncIterator in (await start('b'))).toBe(true);
    await first.return(undefined);
    expect(Symbol.asyncIterator in (await start('a'))).toBe(true);
  });

  it('gives the slot back when subscribing fails', async () => {
    const { onSubscribe, subscribe } = limits({ maxPerCaller: 1 });
    const args = () => onSubscribe(caller('a'), '1', { query: TICKS }) as ExecutionArgs;
    const failed = await subscribe(args(), () => ({ errors: [new GraphQLError('no plan')] }));
    expect(failed).toEqual({ errors: [new GraphQLError('no plan')] });
    expect(Symbol.asyncIterator in (await subscribe(args(), () => forever()))).toBe(true);
  });
});
