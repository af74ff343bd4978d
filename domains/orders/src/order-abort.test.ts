import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { applyMachineReport } from './machine-reports.ts';
import { abortOrder } from './order-abort.ts';
import { IllegalTransition } from './order-errors.ts';
import { ProductionOrderStatus } from './order-status.ts';
import { insertAsset, insertOrder, orderSnapshot, recordingBus } from './testing/order-fixtures.ts';

const { DOWNLOADING, DOWNLOADED, RUNNING, ABORTED } = ProductionOrderStatus;

let database: TestDatabase;
let machineId: string;
let bareMachineId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  machineId = await insertAsset(database.sql, 'Plant/Press A');
  bareMachineId = await insertAsset(database.sql, 'Plant/Press B');
  await database.sql.query(
    `insert into download_target (asset_id, connection) values ($1, 'plant-opcua')`,
    [machineId],
  );
});

afterAll(async () => {
  await database?.close();
});

/** An order in `status` on `equipmentId`, taken by the machine through an acknowledged download. */
async function orderOnMachine(number: string, status: string, equipmentId = machineId) {
  const orderId = await insertOrder(database.sql, number, equipmentId, status);
  await database.sql.query('update production_order set equipment_id = $2 where id = $1', [
    orderId,
    equipmentId,
  ]);
  const [download] = await database.sql.query<{ id: string }>(
    `insert into download_command (order_id, equipment_id, state)
     values ($1, $2, 'ACKNOWLEDGED') returning id`,
    [orderId, equipmentId],
  );
  return { orderId, downloadId: download!.id };
}

const commandsOf = (orderId: string) =>
  database.sql.query<Record<string, unknown>>(
    `select kind::text as kind, state::text as state, aborts_command_id, requested_by,
            request_reason
       from download_command where order_id = $1 order by created_at, kind`,
    [orderId],
  );

describe('aborting an order', () => {
  it('sends the abort to the machine that holds the order; the status waits for its answer', async () => {
    const { bus, events, commands } = recordingBus();
    const { orderId, downloadId } = await orderOnMachine('PO-A1', RUNNING);
    const db = { sql: database.sql, events: bus };
    const outcome = await abortOrder(db, { orderId, actor: 'mes', reason: 'no material' });
    expect(outcome.sent).toBe(true);
    const commandId = outcome.sent ? outcome.commandId : '';
    expect((await orderSnapshot(database.sql, orderId)).order?.status).toBe(RUNNING);
    expect(await commandsOf(orderId)).toEqual([
      expect.objectContaining({ kind: 'DOWNLOAD' }),
      {
        kind: 'ABORT',
        state: 'PENDING',
        aborts_command_id: downloadId,
        requested_by: 'mes',
        request_reason: 'no material',
      },
    ]);
    expect(commands).toEqual([{ kind: 'orderAbort', commandId, orderId, equipmentId: machineId }]);
    expect(events).toEqual([]);

    // Asked again while the first is on its way: the same command, nothing new.
    expect(await abortOrder(db, { orderId, actor: 'mes' })).toEqual({ sent: true, commandId });
    expect(await commandsOf(orderId)).toHaveLength(2);
    expect(commands).toHaveLength(1);

    // The machine's acknowledgement is what ends the order.
    const report = await applyMachineReport(db, {
      orderId,
      from: RUNNING,
      to: ABORTED,
      reason: 'aborted on the machine (attempt 1), requested by mes: no material',
      command: { id: commandId, state: 'ACKNOWLEDGED', error: null },
    });
    expect(report.applied).toBe(true);
    const { order, history } = await orderSnapshot(database.sql, orderId);
    expect(order?.status).toBe(ABORTED);
    expect(history.at(-1)).toMatchObject({ from: RUNNING, to: ABORTED, actor: 'machine' });
  });

  it('aborts at once an order no machine holds', async () => {
    const { bus, commands } = recordingBus();
    const orderId = await insertOrder(database.sql, 'PO-A2', bareMachineId, DOWNLOADED);
    const outcome = await abortOrder(
      { sql: database.sql, events: bus },
      { orderId, actor: 'mes', reason: 'planned elsewhere' },
    );
    expect(outcome).toMatchObject({ sent: false, step: { from: DOWNLOADED, to: ABORTED } });
    const { order, history } = await orderSnapshot(database.sql, orderId);
    expect(order?.status).toBe(ABORTED);
    expect(history.at(-1)).toMatchObject({
      to: ABORTED,
      actor: 'mes',
      reason: 'planned elsewhere',
    });
    expect(commands).toEqual([]);
  });

  it('refuses an order that is not DOWNLOADED or RUNNING, recording nothing', async () => {
    const { orderId } = await orderOnMachine('PO-A3', DOWNLOADING);
    await expect(
      abortOrder({ sql: database.sql }, { orderId, actor: 'mes' }),
    ).rejects.toBeInstanceOf(IllegalTransition);
    expect((await commandsOf(orderId)).map((command) => command.kind)).toEqual(['DOWNLOAD']);
  });

  it('names the id when it is no order id', async () => {
    await expect(
      abortOrder({ sql: database.sql }, { orderId: 'nope', actor: 'mes' }),
    ).rejects.toThrow('id: "nope" is not a valid ProductionOrder id');
  });
});
