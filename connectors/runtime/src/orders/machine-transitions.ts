import type { EventBus } from '@plantgraph/bus';
import type { Sql } from '@plantgraph/db';

/** Who the status history names for changes the machines report. */
export const MACHINE_ACTOR = 'machine';

export interface MachineTransition {
  orderId: string;
  from: string;
  to: string;
  reason: string | null;
  /** Further columns, e.g. `{ started_at: new Date() }`; names are fixed by this module. */
  set?: Partial<Record<'started_at' | 'completed_at' | 'failure_reason', Date | string | null>>;
  /** The download command this settles, finished in the same transaction. */
  command?: { id: string; state: 'ACKNOWLEDGED' | 'FAILED'; error: string | null };
}

/**
 * Moves an order from `from` to `to` for a machine's report, recording the step in the status
 * history in the same transaction and announcing it on the bus after the commit. Returns false,
 * changing nothing, when the order is no longer in `from` (another replica or a user was first),
 * so reports may arrive twice.
 */
export async function applyMachineTransition(
  sql: Sql,
  events: EventBus | undefined,
  transition: MachineTransition,
): Promise<boolean> {
  const columns = Object.entries(transition.set ?? {});
  const assignments = columns.map(([name], index) => `, ${name} = $${index + 4}`).join('');
  const changed = await sql.transaction(async (tx) => {
    // Command and order change together: a crash between them would leave the order in
    // DOWNLOADING with no command left to work on.
    const { command } = transition;
    if (command) {
      await tx.query(
        `update download_command
            set state = $2::download_command_state, last_error = coalesce($3, last_error),
                finished_at = clock_timestamp()
          where id = $1 and state = 'PENDING'`,
        [command.id, command.state, command.error],
      );
    }
    const [order] = await tx.query<{
      number: string;
      asset_id: string;
      path: string;
      changed_at: Date;
    }>(
      `update production_order o
          set status = $2::text::production_order_status,
              updated_at = greatest(clock_timestamp(), o.updated_at + interval '1 millisecond')
              ${assignments}
         from asset a
        where o.id = $1 and o.status::text = $3 and a.id = o.asset_id
        returning o.number, o.asset_id, a.path, o.updated_at as changed_at`,
      [transition.orderId, transition.to, transition.from, ...columns.map(([, value]) => value)],
    );
    if (!order) return undefined;
    await tx.query(
      `insert into production_order_status_change
         (order_id, from_status, to_status, actor, reason, changed_at)
       values ($1, $2::text::production_order_status, $3::text::production_order_status, $4, $5, $6)`,
      [
        transition.orderId,
        transition.from,
        transition.to,
        MACHINE_ACTOR,
        transition.reason,
        order.changed_at,
      ],
    );
    return order;
  });
  if (!changed) return false;
  events?.publish({
    type: 'orderStatus',
    orderId: transition.orderId,
    number: changed.number,
    assetId: changed.asset_id,
    assetPath: changed.path,
    time: changed.changed_at.toISOString(),
    status: transition.to,
    previousStatus: transition.from,
    reason: transition.reason,
    actor: MACHINE_ACTOR,
  });
  return true;
}
