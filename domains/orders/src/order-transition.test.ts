import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { IllegalTransition, OrderChangedConcurrently, OrderNotFound } from './order-errors.ts';
import { ProductionOrderStatus } from './order-status.ts';
import { transitionOrder } from './order-transition.ts';
import { insertAsset, insertOrder, orderSnapshot, recordingBus } from './testing/order-fixtures.ts';

const { CREATED, RELEASED, DOWNLOADING, DOWNLOAD_FAILED, DOWNLOADED, RUNNING, COMPLETED } =
  ProductionOrderStatus;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let database: TestDatabase;
let assetId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  assetId = await insertAsset(database.sql, 'Plant/Press T');
});

afterAll(async () => {
  await database?.close();
});

describe('transitionOrder', () => {
  it('walks an order through its lifecycle, recording and announcing every step', async () => {
    const { bus, events } = recordingBus();
    const db = { sql: database.sql, events: bus };
    const orderId = await insertOrder(database.sql, 'PO-T1', assetId, CREATED);
    const steps = [RELEASED, DOWNLOADING, DOWNLOAD_FAILED, RELEASED, DOWNLOADING, DOWNLOADED];
    for (const to of [...steps, RUNNING, COMPLETED]) {
      const step = await transitionOrder(db, { orderId, to, actor: 'mes', reason: `to ${to}` });
      expect(step).toMatchObject({ to, number: 'PO-T1', assetPath: 'Plant/Press T' });
    }
    const path = [CREATED, ...steps, RUNNING, COMPLETED];
    const expected = path
      .slice(1)
      .map((to, index) => ({ from: path[index], to, actor: 'mes', reason: `to ${to}` }));
    const { order, history } = await orderSnapshot(database.sql, orderId);
    expect(history).toEqual(expected);
    expect(order).toMatchObject({ status: COMPLETED, failure_reason: null });
    expect(order?.started_at).toBeInstanceOf(Date);
    expect(order?.completed_at).toBeInstanceOf(Date);
    expect(events.map((event) => event.type === 'orderStatus' && event.status)).toEqual(
      path.slice(1),
    );
  });

  it('refuses a step the legality table forbids, writing and announcing nothing', async () => {
    const { bus, events } = recordingBus();
    const orderId = await insertOrder(database.sql, 'PO-T2', assetId, DOWNLOADED);
    const before = await orderSnapshot(database.sql, orderId);
    await expect(
      transitionOrder({ sql: database.sql, events: bus }, { orderId, to: COMPLETED, actor: 'mes' }),
    ).rejects.toThrow(IllegalTransition);
    expect(await orderSnapshot(database.sql, orderId)).toEqual(before);
    expect(events).toEqual([]);
  });

  it('refuses a step from a status the order has left, as stale', async () => {
    const orderId = await insertOrder(database.sql, 'PO-T3', assetId, RUNNING);
    await expect(
      transitionOrder(
        { sql: database.sql },
        { orderId, from: DOWNLOADED, to: RUNNING, actor: 'machine' },
      ),
    ).rejects.toThrow(OrderChangedConcurrently);
  });

  it('rolls the step back, unannounced, when the work within it fails', async () => {
    const { bus, events } = recordingBus();
    const orderId = await insertOrder(database.sql, 'PO-T4', assetId, CREATED);
    const before = await orderSnapshot(database.sql, orderId);
    const within = () => Promise.reject(new Error('the machine is busy'));
    await expect(
      transitionOrder(
        { sql: database.sql, events: bus },
        { orderId, to: RELEASED, actor: 'mes', within },
      ),
    ).rejects.toThrow('the machine is busy');
    expect(await orderSnapshot(database.sql, orderId)).toEqual(before);
    expect(events).toEqual([]);
  });

  it('records why a download failed', async () => {
    const orderId = await insertOrder(database.sql, 'PO-T5', assetId, DOWNLOADING);
    await transitionOrder(
      { sql: database.sql },
      { orderId, to: DOWNLOAD_FAILED, actor: 'machine', reason: 'no answer' },
    );
    const { order } = await orderSnapshot(database.sql, orderId);
    expect(order).toMatchObject({ status: DOWNLOAD_FAILED, failure_reason: 'no answer' });
  });

  it('names the field of an unknown order', async () => {
    await expect(
      transitionOrder(
        { sql: database.sql },
        { orderId: UNKNOWN, to: RELEASED, actor: 'mes', field: 'orderId' },
      ),
    ).rejects.toThrow(new OrderNotFound(UNKNOWN, 'orderId'));
  });
});
