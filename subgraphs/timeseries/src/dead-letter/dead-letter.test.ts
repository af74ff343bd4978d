import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { timeseriesSubgraph } from '../subgraph.ts';

let database: TestDatabase;
let client: SubgraphClient;
const ids: string[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await timeseriesSubgraph.buildSchema(), database.services);
  for (const [index, connection] of ['plc-a', 'plc-a', 'broker-b'].entries()) {
    const [row] = await database.sql.query<{ id: string }>(
      `insert into dead_letter (connection, address, payload, payload_size, reason, received_at)
       values ($1, $2, convert_to($3, 'UTF8'), length($3), 'unparseable JSON', $4)
       returning id`,
      [connection, `plant/topic/${index}`, `{"bad": ${index}`, `2026-11-2${index + 1}T10:00:00Z`],
    );
    ids.push(row!.id);
  }
  await database.sql.query(
    `insert into connection_status (id, kind, endpoint, state, since, items, reported_at,
       messages_per_second, spool_depth, dead_letters, lost_messages, falling_behind)
     values ('plc-a', 'opcua', 'opc.tcp://plc-a:4840', 'CONNECTED', now(), 12, now(), 3.5, 0, 2,
             0, false),
            ('broker-b', 'mqtt', 'mqtt://broker:1883', 'RECONNECTING', now(), 2,
             now() - interval '5 minutes', 0, 40, 1, 17, true)`,
  );
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

interface LettersPage {
  deadLetters: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string };
    edges: { node: { id: string; connection: string; payload: string; payloadSize: number } }[];
  };
}

describe('connections', () => {
  it('lists every connection with its health and flags a silent process as stale', async () => {
    const { data, errors } = await client.execute<{ connections: Record<string, unknown>[] }>(
      `{ connections { id kind state items messagesPerSecond spoolDepth deadLetters lostMessages
           fallingBehind stale } }`,
    );
    expect(errors).toBeUndefined();
    expect(data?.connections).toEqual([
      {
        id: 'broker-b',
        kind: 'MQTT',
        state: 'RECONNECTING',
        items: 2,
        messagesPerSecond: 0,
        spoolDepth: 40,
        deadLetters: 1,
        lostMessages: 17,
        fallingBehind: true,
        stale: true,
      },
      {
        id: 'plc-a',
        kind: 'OPCUA',
        state: 'CONNECTED',
        items: 12,
        messagesPerSecond: 3.5,
        spoolDepth: 0,
        deadLetters: 2,
        lostMessages: 0,
        fallingBehind: false,
        stale: false,
      },
    ]);
  });
});

describe('dead letters', () => {
  it('pages newest first and filters by source and window', async () => {
    const first = await client.execute<LettersPage>(
      '{ deadLetters(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { id connection payload payloadSize } } } }',
    );
    expect(first.data?.deadLetters.totalCount).toBe(3);
    expect(first.data?.deadLetters.edges.map((edge) => edge.node.id)).toEqual([ids[2], ids[1]]);
    expect(first.data?.deadLetters.edges[0]?.node).toMatchObject({
      payload: '{"bad": 2',
      payloadSize: 9,
    });
    const second = await client.execute<LettersPage>(
      `query ($after: String) { deadLetters(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id connection payload payloadSize } } } }`,
      { after: first.data?.deadLetters.pageInfo.endCursor },
    );
    expect(second.data?.deadLetters.edges.map((edge) => edge.node.id)).toEqual([ids[0]]);
    expect(second.data?.deadLetters.pageInfo.hasNextPage).toBe(false);

    const filtered = await client.execute<LettersPage>(
      '{ deadLetters(source: "plc-a", from: "2026-11-22T00:00:00Z") { totalCount pageInfo { hasNextPage endCursor } edges { node { id connection payload payloadSize } } } }',
    );
    expect(filtered.data?.deadLetters.edges.map((edge) => edge.node.id)).toEqual([ids[1]]);
  });

  it('queues letters for replay and clears an earlier replay result', async () => {
    await database.sql.query(
      "update dead_letter set replayed_at = now(), replay_error = 'still bad' where id = $1",
      [ids[0]],
    );
    const { data, errors } = await client.execute<{ replayDeadLetters: Record<string, unknown>[] }>(
      `mutation ($ids: [ID!]!) { replayDeadLetters(ids: $ids) { id replayRequestedAt replayedAt replayError } }`,
      { ids: [ids[0], ids[2]] },
    );
    expect(errors).toBeUndefined();
    expect(data?.replayDeadLetters.map((letter) => letter.id)).toEqual([ids[0], ids[2]]);
    for (const letter of data?.replayDeadLetters ?? []) {
      expect(letter.replayRequestedAt).toBeTruthy();
      expect(letter).toMatchObject({ replayedAt: null, replayError: null });
    }
  });

  it.each([
    ['{ deadLetters(first: 5000) { totalCount } }', 'BAD_USER_INPUT', /first/],
    [
      '{ deadLetters(from: "2026-11-23T00:00:00Z", to: "2026-11-22T00:00:00Z") { totalCount } }',
      'BAD_USER_INPUT',
      /from/,
    ],
    ['{ deadLetters(after: "nope") { totalCount } }', 'BAD_USER_INPUT', /after/],
    ['mutation { replayDeadLetters(ids: ["nope"]) { id } }', 'BAD_USER_INPUT', /ids/],
    ['mutation { replayDeadLetters(ids: []) { id } }', 'BAD_USER_INPUT', /ids/],
    [
      'mutation { replayDeadLetters(ids: ["00000000-0000-4000-8000-000000000000"]) { id } }',
      'NOT_FOUND',
      /ids/,
    ],
  ])('rejects %s', async (query, code, message) => {
    const { errors } = await client.execute(query);
    expect(errors?.[0]?.extensions?.code).toBe(code);
    expect(errors?.[0]?.message).toMatch(message);
  });

  it('leaves every letter untouched when one id is unknown', async () => {
    const before = await database.sql.query(
      'select id, replay_requested_at from dead_letter order by id',
    );
    const { errors } = await client.execute(
      `mutation ($ids: [ID!]!) { replayDeadLetters(ids: $ids) { id } }`,
      { ids: [ids[1], '00000000-0000-4000-8000-000000000000'] },
    );
    expect(errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(
      await database.sql.query('select id, replay_requested_at from dead_letter order by id'),
    ).toEqual(before);
  });
});
