import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { describe, expect, it } from 'vitest';
import { EntityBatchingDataSource, MAX_IN_FLIGHT_PER_SELECTION } from './entity-batching.ts';

const ENTITIES =
  'query($representations:[_Any!]!){_entities(representations:$representations){...on Asset{name}}}';

type Representation = { __typename: string; id: string };

/** A subgraph stand-in that names each entity after its id and fails for ids starting "bad". */
function recordingSubgraph() {
  const requests: Representation[][] = [];
  const source: GraphQLDataSource = {
    process(options) {
      const representations = options.request.variables?.representations as
        Representation[] | undefined;
      if (!representations) return Promise.resolve({ data: { other: true } });
      requests.push(representations);
      const errors = representations.flatMap((item, index) =>
        item.id.startsWith('bad')
          ? [{ message: `no ${item.id}`, path: ['_entities', index, 'name'] }]
          : [],
      );
      return Promise.resolve({
        data: {
          _entities: representations.map((item) =>
            item.id.startsWith('bad') ? null : { name: `asset ${item.id}` },
          ),
        },
        ...(errors.length > 0 ? { errors } : {}),
      });
    },
  };
  return { source, requests };
}

const fetchOf = (ids: string[], query = ENTITIES) =>
  ({
    request: {
      query,
      variables: { representations: ids.map((id) => ({ __typename: 'Asset', id })) },
    },
  }) as unknown as GraphQLDataSourceProcessOptions;

describe('EntityBatchingDataSource', () => {
  it('sends entity fetches of one tick as one request, each entity once, in caller order', async () => {
    const subgraph = recordingSubgraph();
    const batching = new EntityBatchingDataSource(subgraph.source);
    const [first, second, third] = await Promise.all([
      batching.process(fetchOf(['a', 'b'])),
      batching.process(fetchOf(['b', 'c'])),
      batching.process(fetchOf(['a'])),
    ]);
    expect(subgraph.requests).toEqual([
      [
        { __typename: 'Asset', id: 'a' },
        { __typename: 'Asset', id: 'b' },
        { __typename: 'Asset', id: 'c' },
      ],
    ]);
    expect(first?.data).toEqual({ _entities: [{ name: 'asset a' }, { name: 'asset b' }] });
    expect(second?.data).toEqual({ _entities: [{ name: 'asset b' }, { name: 'asset c' }] });
    expect(third?.data).toEqual({ _entities: [{ name: 'asset a' }] });
  });

  it('gives each caller the errors of its own entities, at its own positions', async () => {
    const subgraph = recordingSubgraph();
    const batching = new EntityBatchingDataSource(subgraph.source);
    const [clean, failing] = await Promise.all([
      batching.process(fetchOf(['a'])),
      batching.process(fetchOf(['b', 'bad1'])),
    ]);
    expect(clean?.errors).toBeUndefined();
    expect(failing?.errors).toEqual([{ message: 'no bad1', path: ['_entities', 1, 'name'] }]);
    expect(failing?.data).toEqual({ _entities: [{ name: 'asset b' }, null] });
  });

  it('keeps different selections apart and later ticks separate', async () => {
    const subgraph = recordingSubgraph();
    const batching = new EntityBatchingDataSource(subgraph.source);
    await Promise.all([
      batching.process(fetchOf(['a'])),
      batching.process(fetchOf(['a'], ENTITIES.replace('name', 'path'))),
    ]);
    await batching.process(fetchOf(['b']));
    expect(subgraph.requests).toHaveLength(3);
  });

  it('holds fetches while the most requests are in flight, then sends them as one', async () => {
    const requests: string[][] = [];
    const answers: (() => void)[] = [];
    const slow: GraphQLDataSource = {
      process(options) {
        const representations = options.request.variables?.representations as Representation[];
        requests.push(representations.map((item) => item.id));
        return new Promise((resolve) => {
          answers.push(() =>
            resolve({
              data: { _entities: representations.map((item) => ({ name: `asset ${item.id}` })) },
            }),
          );
        });
      },
    };
    const batching = new EntityBatchingDataSource(slow);
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    const pending: Promise<unknown>[] = [];
    for (let turn = 0; turn < MAX_IN_FLIGHT_PER_SELECTION; turn++) {
      pending.push(batching.process(fetchOf([`busy${turn}`])));
      await nextTurn();
    }
    const held = [batching.process(fetchOf(['x'])), batching.process(fetchOf(['y']))];
    await nextTurn();
    const later = batching.process(fetchOf(['z', 'x']));
    await nextTurn();
    expect(requests).toHaveLength(MAX_IN_FLIGHT_PER_SELECTION);

    answers[0]?.();
    await pending[0];
    await nextTurn();
    // Everything held went as one request once one returned, each entity once.
    expect(requests.at(-1)).toEqual(['x', 'y', 'z']);
    for (const answer of answers.slice(1)) answer();
    const results = await Promise.all([...held, later]);
    expect(results.map((result) => (result as { data: unknown }).data)).toEqual([
      { _entities: [{ name: 'asset x' }] },
      { _entities: [{ name: 'asset y' }] },
      { _entities: [{ name: 'asset z' }, { name: 'asset x' }] },
    ]);
    await Promise.all(pending);
    expect(requests).toHaveLength(MAX_IN_FLIGHT_PER_SELECTION + 1);
  });

  it('passes operations without representations straight through', async () => {
    const subgraph = recordingSubgraph();
    const batching = new EntityBatchingDataSource(subgraph.source);
    const response = await batching.process({
      request: { query: '{ other }' },
    } as unknown as GraphQLDataSourceProcessOptions);
    expect(response.data).toEqual({ other: true });
    expect(subgraph.requests).toHaveLength(0);
  });
});
