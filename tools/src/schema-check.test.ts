import { describe, expect, it } from 'vitest';
import {
  acceptRefusal,
  checkSchema,
  formatSchemaCheck,
  recordedCoordinates,
  stampRelease,
} from './schema-check.ts';

const baselineSdl = /* GraphQL */ `
  enum OrderStatus {
    PLANNED
    RELEASED
  }
  type Order {
    number: String!
    status: OrderStatus!
    legacyCode: String @deprecated(reason: "Use number.")
    material: String
  }
  type Query {
    orders(status: OrderStatus): [Order!]!
  }
`;

const changelogRecording = (...coordinates: string[]) =>
  [
    '# Schema changelog',
    '',
    '## Unreleased',
    '',
    ...coordinates.map((coordinate) => `- \`${coordinate}\` removed: clients use something else.`),
    '',
    '## 2026-11-01',
    '',
    '- `Order.number` changed long ago.',
    '',
  ].join('\n');

const check = (currentSdl: string, changelog = changelogRecording()) =>
  checkSchema({ baselineSdl, currentSdl, changelog });

describe('checkSchema', () => {
  it('finds no changes between equal schemas', async () => {
    const result = await check(baselineSdl);
    expect(result.changes).toEqual([]);
    expect(formatSchemaCheck(result)).toMatch(/^No changes/);
  });

  it('fails on removing a deprecated field until the changelog records it', async () => {
    const current = baselineSdl.replace(/legacyCode.*\n/, '');
    const unrecorded = await check(current);
    expect(unrecorded.changes).toMatchObject([
      { severity: 'BREAKING', coordinate: 'Order.legacyCode', retiredWithoutDeprecation: false },
    ]);
    expect(unrecorded.failures).toHaveLength(1);

    const recorded = await check(current, changelogRecording('Order.legacyCode'));
    expect(recorded.changes).toMatchObject([{ coordinate: 'Order.legacyCode', recorded: true }]);
    expect(recorded.failures).toEqual([]);
  });

  it('fails on removing a field that was never deprecated, even when recorded', async () => {
    const current = baselineSdl.replace('material: String\n', '');
    const result = await check(current, changelogRecording('Order.material'));
    expect(result.changes).toMatchObject([
      {
        severity: 'BREAKING',
        coordinate: 'Order.material',
        recorded: true,
        retiredWithoutDeprecation: true,
      },
    ]);
    expect(result.failures).toHaveLength(1);
    expect(formatSchemaCheck(result)).toContain('retired without deprecation');
  });

  it('rates an optional argument on an existing field dangerous, which passes', async () => {
    const current = baselineSdl.replace(
      'orders(status: OrderStatus)',
      'orders(status: OrderStatus, material: String)',
    );
    const result = await check(current);
    expect(result.changes).toMatchObject([
      { severity: 'DANGEROUS', coordinate: 'Query.orders.material' },
    ]);
    expect(result.failures).toEqual([]);
  });

  it('rates an optional argument on a new field safe', async () => {
    const current = baselineSdl.replace(
      'type Query {',
      'type Query {\n    order(number: String, material: String): Order',
    );
    const result = await check(current);
    expect(result.changes).toMatchObject([
      { severity: 'SAFE', coordinate: 'Query.order' },
      { severity: 'SAFE', coordinate: 'Query.order.number' },
      { severity: 'SAFE', coordinate: 'Query.order.material' },
    ]);
    expect(result.failures).toEqual([]);
  });

  it('fails on a required argument', async () => {
    const current = baselineSdl.replace(
      'orders(status: OrderStatus)',
      'orders(status: OrderStatus, site: ID!)',
    );
    const result = await check(current);
    expect(result.changes).toMatchObject([
      { severity: 'BREAKING', coordinate: 'Query.orders.site', retiredWithoutDeprecation: false },
    ]);
    expect(result.failures).toHaveLength(1);
  });

  it('rates a renamed enum value as a breaking removal and a dangerous addition', async () => {
    const current = baselineSdl.replace('RELEASED', 'DOWNLOADED');
    const result = await check(current);
    expect(result.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          severity: 'BREAKING',
          coordinate: 'OrderStatus.RELEASED',
          retiredWithoutDeprecation: true,
        }),
        expect.objectContaining({ severity: 'DANGEROUS', coordinate: 'OrderStatus.DOWNLOADED' }),
      ]),
    );
    expect(result.changes).toHaveLength(2);
    expect(result.failures.map((change) => change.coordinate)).toEqual(['OrderStatus.RELEASED']);
  });

  it('passes a recorded breaking change that is not a removal', async () => {
    const current = baselineSdl.replace('material: String', 'material: Int');
    const result = await check(current, changelogRecording('Order.material'));
    expect(result.changes).toMatchObject([
      { severity: 'BREAKING', coordinate: 'Order.material', recorded: true },
    ]);
    expect(result.failures).toEqual([]);
  });

  it('groups the report by severity', async () => {
    const current = baselineSdl
      .replace('orders(status: OrderStatus)', 'orders(status: OrderStatus, site: ID)')
      .replace('type Query {', 'type Query {\n    orderCount: Int!')
      .replace(/legacyCode.*\n/, '');
    const report = formatSchemaCheck(await check(current));
    expect(report.split('\n').filter((line) => !line.startsWith(' '))).toEqual([
      'Changes against gateway/api-schema.baseline.graphql:',
      'BREAKING (1)',
      'DANGEROUS (1)',
      'SAFE (1)',
    ]);
    expect(report).toContain('  Order.legacyCode: ');
    expect(report).toContain('not recorded in docs/schema-changelog.md');
  });
});

describe('the changelog', () => {
  it('records only backticked coordinates under Unreleased', () => {
    const changelog = changelogRecording('Order.legacyCode', 'Query.orders.site');
    expect([...recordedCoordinates(changelog)]).toEqual(['Order.legacyCode', 'Query.orders.site']);
    expect(recordedCoordinates('# Schema changelog\n\n- `Order.number`\n').size).toBe(0);
  });

  it('does not count a coordinate that only starts the recorded one', async () => {
    const current = baselineSdl.replace(/legacyCode.*\n/, '');
    const result = await check(current, changelogRecording('Order.legacyCodeV2'));
    expect(result.failures).toHaveLength(1);
  });

  it('closes Unreleased as a dated release under a new empty one', () => {
    const stamped = stampRelease(changelogRecording('Order.legacyCode'), '2026-12-01');
    expect(stamped).toContain('## Unreleased\n\n## 2026-12-01\n\n- `Order.legacyCode` removed');
    expect(recordedCoordinates(stamped).size).toBe(0);
  });

  it('accepts a new baseline only with a passing check and a changelog entry', async () => {
    const current = baselineSdl.replace('type Query {', 'type Query {\n    count: Int!');
    const result = await check(current);
    expect(acceptRefusal(result, changelogRecording())).toMatch(/describe the release/);
    expect(acceptRefusal(result, changelogRecording('Query.count'))).toBeUndefined();

    const failing = await check(baselineSdl.replace('material: String\n', ''));
    expect(acceptRefusal(failing, changelogRecording('Order.material'))).toMatch(/check fails/);
  });
});
