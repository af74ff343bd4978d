import type { Sql } from '@plantgraph/db';
import type { SetpointLimit } from './order-download.ts';
import type { ProductionOrderStatus } from './order-status.ts';

/**
 * The command queue the connectors work off: `downloadOrder` records a download command,
 * `abortOrder` an abort command; the dispatcher of the process that owns the machine claims and
 * carries out their attempts, one machine's commands in the order they were recorded.
 */

export type DownloadCommandState = 'PENDING' | 'ACKNOWLEDGED' | 'FAILED';

/** What a command asks of the machine: take an order, or withdraw the one it took. */
export type MachineCommandKind = 'DOWNLOAD' | 'ABORT';

/** A command due for its next attempt, with what the machine needs of its order. */
export interface PendingDownload {
  id: string;
  kind: MachineCommandKind;
  order_id: string;
  equipment_id: string;
  expires_at: Date | null;
  attempts: number;
  /**
   * The order's status now. A download is moot unless the order is DOWNLOADING, an abort unless
   * it is DOWNLOADED or RUNNING.
   */
  status: string;
  number: string;
  material: string;
  quantity: number;
  /** An abort's download command: the id the machine knows the order by. */
  aborts_command_id: string | null;
  /** Who asked for an abort, and why. */
  requested_by: string | null;
  request_reason: string | null;
}

/** An order on a machine, with the command that put it there. */
export interface OrderOnMachine {
  id: string;
  status: ProductionOrderStatus.DOWNLOADED | ProductionOrderStatus.RUNNING;
  equipment_id: string;
  command_id: string | null;
  produced_good: number;
  produced_reject: number;
}

/** How a command ended; `error` is kept as the last error when given. */
export interface DownloadSettlement {
  id: string;
  state: Exclude<DownloadCommandState, 'PENDING'>;
  error: string | null;
}

/** A machine's download interface as a connector process provisions it. */
export interface DownloadTargetSpec {
  assetId: string;
  connection: string;
  parameters: readonly SetpointLimit[];
}

/**
 * Pending commands (downloads and aborts) for these machines whose next attempt is due, oldest
 * first.
 */
export function pendingDownloads(
  sql: Sql,
  equipmentIds: readonly string[],
  limit = 50,
): Promise<PendingDownload[]> {
  return sql.query<PendingDownload>(
    `select c.id, c.kind::text as kind, c.order_id, c.equipment_id, c.expires_at, c.attempts,
            o.status::text as status, o.number, o.material, o.quantity, c.aborts_command_id,
            c.requested_by, c.request_reason
       from download_command c join production_order o on o.id = c.order_id
      where c.state = 'PENDING' and c.next_attempt_at <= clock_timestamp()
        and c.equipment_id = any($1::uuid[])
      order by c.created_at
      limit $2`,
    [equipmentIds, limit],
  );
}

/**
 * The machines among `equipmentIds` with work for a dispatcher: a command due for an attempt, or
 * an order on the machine to follow. One query for a process's machines, so a poll wakes only
 * the machines that have something to do.
 */
export async function machinesWithWork(
  sql: Sql,
  equipmentIds: readonly string[],
): Promise<string[]> {
  const rows = await sql.query<{ equipment_id: string }>(
    `select equipment_id from download_command
      where state = 'PENDING' and next_attempt_at <= clock_timestamp()
        and equipment_id = any($1::uuid[])
     union
     select equipment_id from production_order
      where status in ('DOWNLOADED', 'RUNNING') and equipment_id = any($1::uuid[])`,
    [equipmentIds],
  );
  return rows.map((row) => row.equipment_id);
}

/**
 * Claims the command's next attempt: true for exactly one caller (process or round) per attempt
 * number, so no attempt is sent twice.
 */
export async function claimDownloadAttempt(sql: Sql, command: PendingDownload): Promise<boolean> {
  const claimed = await sql.query(
    `update download_command set attempts = attempts + 1
      where id = $1 and state = 'PENDING' and attempts = $2 returning id`,
    [command.id, command.attempts],
  );
  return claimed.length > 0;
}

/** The setpoints that travel to the machine, in the order given. */
export function setpointsOf(sql: Sql, orderId: string): Promise<{ name: string; value: number }[]> {
  return sql.query<{ name: string; value: number }>(
    'select name, value from production_order_parameter where order_id = $1 order by position',
    [orderId],
  );
}

/** Keeps a failed attempt's error and puts the next attempt `delayMs` from now. */
export async function scheduleDownloadRetry(
  sql: Sql,
  commandId: string,
  error: string,
  delayMs: number,
): Promise<void> {
  await sql.query(
    `update download_command
        set last_error = $2, next_attempt_at = clock_timestamp() + $3 * interval '1 millisecond'
      where id = $1 and state = 'PENDING'`,
    [commandId, error, delayMs],
  );
}

/** Ends a pending command; one that already ended stays as it is. */
export async function settleDownloadCommand(
  sql: Sql,
  settlement: DownloadSettlement,
): Promise<void> {
  await sql.query(
    `update download_command
        set state = $2::download_command_state, last_error = coalesce($3, last_error),
            finished_at = clock_timestamp()
      where id = $1 and state = 'PENDING'`,
    [settlement.id, settlement.state, settlement.error],
  );
}

/** Orders DOWNLOADED to or RUNNING on these machines, with their last acknowledged command. */
export function ordersOnMachines(
  sql: Sql,
  equipmentIds: readonly string[],
): Promise<OrderOnMachine[]> {
  return sql.query<OrderOnMachine>(
    `select o.id, o.status::text as status, o.equipment_id, o.produced_good, o.produced_reject,
            (select c.id from download_command c
              where c.order_id = o.id and c.kind = 'DOWNLOAD' and c.state = 'ACKNOWLEDGED'
              order by c.created_at desc limit 1) as command_id
       from production_order o
      where o.status in ('DOWNLOADED', 'RUNNING') and o.equipment_id = any($1::uuid[])`,
    [equipmentIds],
  );
}

/** Stores the machine's part counters while the order is on the machine; later ones are final. */
export async function recordMachineCounters(
  sql: Sql,
  orderId: string,
  counters: { good: number; reject: number },
): Promise<void> {
  await sql.query(
    `update production_order set produced_good = $2, produced_reject = $3
      where id = $1 and status in ('DOWNLOADED', 'RUNNING')`,
    [orderId, counters.good, counters.reject],
  );
}

/**
 * Provisions the download interfaces a connector process carries, so `downloadOrder` can check
 * equipment and setpoints before it records a command. Interfaces of `connections` that are
 * no longer listed are gone from the machines too, and are removed.
 */
export async function provisionDownloadTargets(
  sql: Sql,
  targets: readonly DownloadTargetSpec[],
  connections: readonly string[],
): Promise<void> {
  await sql.query(
    `insert into download_target (asset_id, connection, parameters, updated_at)
     select * from unnest($1::uuid[], $2::text[], $3::jsonb[], $4::timestamptz[])
     on conflict (asset_id) do update
       set connection = excluded.connection, parameters = excluded.parameters,
           updated_at = excluded.updated_at`,
    [
      targets.map((target) => target.assetId),
      targets.map((target) => target.connection),
      targets.map((target) => JSON.stringify(target.parameters)),
      targets.map(() => new Date()),
    ],
  );
  await sql.query(
    `delete from download_target
      where connection = any($1::text[]) and not (asset_id = any($2::uuid[]))`,
    [connections, targets.map((target) => target.assetId)],
  );
}

/** A command to a machine as the API shows it: what it asked, how it ended, what went wrong. */
export interface MachineCommandRow {
  id: string;
  order_id: string;
  kind: MachineCommandKind;
  state: DownloadCommandState;
  equipment_id: string;
  attempts: number;
  last_error: string | null;
  requested_by: string | null;
  request_reason: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/** The commands sent to machines for these orders, oldest first. */
export function machineCommandsOf(
  sql: Sql,
  orderIds: readonly string[],
): Promise<MachineCommandRow[]> {
  return sql.query<MachineCommandRow>(
    `select id, order_id, kind::text as kind, state::text as state, equipment_id, attempts,
            last_error, requested_by, request_reason, created_at, finished_at
       from download_command
      where order_id = any($1::uuid[])
      order by created_at, id`,
    [orderIds],
  );
}
