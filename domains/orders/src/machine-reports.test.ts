import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { applyMachineReport, MACHINE_ACTOR } from './machine-reports.ts';
import { ProductionOrderStatus } from './order-status.ts';
import { insertAsset, insertOrder, orderSnapshot, recordingBus } from './testing/order-fixtures.ts';

const { DOWNLOADING, DOWNLOADED, RUNNING, COMPLETED } = ProductionOrderStatus;

let database: TestDatabase;
let assetId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  assetId = await insertAsset(database.sql, 'Plant/Press M');
});

afterAll(async () => {
  await database?.close();
});

async function pendingCommand(orderId: string): Promise<string> {
  const [row] = await database.sql.query<{ id: string }>(
    `insert into download_command (order_id, equipment_id) values ($1, $2) returning id`,
    [orderId, assetId],
  );
  return row!.id;
}

async function commandState(id: string): Promise<string | undefined> {
  const [row] = await database.sql.query<{ state: string }>(
    'select state::text as state from download_command where id = $1',
    [id],
  );
  return row?.state;
}

describe('machine reports', () => {
  it('applies a legal report as the machine, settling its command with it', async () => {
    const { bus, events } = recordingBus();
    const orderId = await insertOrder(database.sql, 'PO-M1', assetId, DOWNLOADING);
    const commandId = await pendingCommand(orderId);
    const outcome = await applyMachineReport(
      { sql: database.sql, events: bus },
      {
        orderId,
        from: DOWNLOADING,
        to: DOWNLOADED,
        reason: 'acknowledged by the machine (attempt 1)',
        command: { id: commandId, state: 'ACKNOWLEDGED', error: null },
      },
    );
    expect(outcome.applied).toBe(true);
    expect(await commandState(commandId)).toBe('ACKNOWLEDGED');
    const { order, history } = await orderSnapshot(database.sql, orderId);
    expect(order?.status).toBe(DOWNLOADED);
    expect(history.at(-1)).toMatchObject({ from: DOWNLOADING, to: DOWNLOADED, actor: 'machine' });
    expect(events).toMatchObject([
      { type: 'orderStatus', orderId, status: DOWNLOADED, actor: MACHINE_ACTOR },
    ]);
  });

  // The connectors used to write machine steps with their own SQL, past the legality table.
  it('does not write a step the legality table forbids, and says so', async () => {
    const { bus, events } = recordingBus();
    const orderId = await insertOrder(database.sql, 'PO-M2', assetId, DOWNLOADED);
    const before = await orderSnapshot(database.sql, orderId);
    const outcome = await applyMachineReport(
      { sql: database.sql, events: bus },
      { orderId, from: DOWNLOADED, to: COMPLETED, reason: 'completed on the machine' },
    );
    expect(outcome).toMatchObject({ applied: false, stale: false });
    expect(!outcome.applied && !outcome.stale && outcome.refused.message).toBe(
      'Cannot change a production order from DOWNLOADED to COMPLETED ' +
        '(allowed: RUNNING, ABORTED, CANCELLED)',
    );
    expect(await orderSnapshot(database.sql, orderId)).toEqual(before);
    expect(events).toEqual([]);
  });

  it('ignores a report that arrives again after the order moved on, ending its command', async () => {
    const { bus, events } = recordingBus();
    const orderId = await insertOrder(database.sql, 'PO-M3', assetId, RUNNING);
    const commandId = await pendingCommand(orderId);
    const before = await orderSnapshot(database.sql, orderId);
    const outcome = await applyMachineReport(
      { sql: database.sql, events: bus },
      {
        orderId,
        from: DOWNLOADING,
        to: DOWNLOADED,
        reason: 'acknowledged by the machine (attempt 2)',
        command: { id: commandId, state: 'ACKNOWLEDGED', error: null },
      },
    );
    expect(outcome).toEqual({ applied: false, stale: true });
    expect(await orderSnapshot(database.sql, orderId)).toEqual(before);
    expect(await commandState(commandId)).toBe('ACKNOWLEDGED');
    expect(events).toEqual([]);
  });
});
