import { IllegalTransition, OrderConflict, RecordNotFound } from './order-errors.ts';
import type { OrderStatusStep } from './order-events.ts';
import { settleDownloadCommand, type DownloadSettlement } from './download-commands.ts';
import type { ProductionOrderStatus } from './order-status.ts';
import { transitionOrder } from './order-transition.ts';
import type { OrdersDatabase } from './orders-database.ts';

/** Who the status history names for changes the machines report. */
export const MACHINE_ACTOR = 'machine';

/** A step a machine's report calls for: acknowledged, failed, started, completed. */
export interface MachineReport {
  orderId: string;
  /** The status the reporter saw when it read the machine. */
  from: ProductionOrderStatus;
  to: ProductionOrderStatus;
  reason: string;
  /** The download command the report settles. */
  command?: DownloadSettlement;
}

export type MachineReportOutcome =
  | { applied: true; step: OrderStatusStep }
  /** `stale`: the order moved on (another replica or a user was first); nothing to do. */
  | { applied: false; stale: true }
  /** `refused`: the legality table has no such step from the order's status. */
  | { applied: false; stale: false; refused: IllegalTransition };

/**
 * Applies a machine's report through `transitionOrder`, like any other status change, with
 * `machine` as the actor; the command it settles ends in the same transaction.
 *
 * A report that is stale, or that the legality table forbids, writes nothing to the order, its
 * history or the bus: a machine cannot put an order where a user could not. Its command still
 * ends as the machine answered, because retrying it would not change the answer. Reports may
 * therefore arrive twice; the caller decides whether a refusal is worth a warning.
 */
export async function applyMachineReport(
  db: OrdersDatabase,
  report: MachineReport,
): Promise<MachineReportOutcome> {
  const { command } = report;
  try {
    const step = await transitionOrder(db, {
      orderId: report.orderId,
      from: report.from,
      to: report.to,
      actor: MACHINE_ACTOR,
      reason: report.reason,
      within: command ? (tx) => settleDownloadCommand(tx, command) : undefined,
    });
    return { applied: true, step };
  } catch (error) {
    if (!(error instanceof OrderConflict) && !(error instanceof RecordNotFound)) throw error;
    if (command) await settleDownloadCommand(db.sql, command);
    return error instanceof IllegalTransition
      ? { applied: false, stale: false, refused: error }
      : { applied: false, stale: true };
  }
}
