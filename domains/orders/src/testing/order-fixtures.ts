import type { EventBus, PlantEvent, PlatformCommand } from '@plantgraph/bus';
import type { Sql } from '@plantgraph/db';

/** A bus that keeps what it was told, for tests that check what was announced. */
export function recordingBus(): {
  bus: EventBus;
  events: PlantEvent[];
  commands: PlatformCommand[];
} {
  const events: PlantEvent[] = [];
  const commands: PlatformCommand[] = [];
  const bus = {
    publish: (event: PlantEvent) => events.push(event),
    publishCommand: (command: PlatformCommand) => commands.push(command),
  } as unknown as EventBus;
  return { bus, events, commands };
}

export async function insertAsset(sql: Sql, path: string, kind = 'EQUIPMENT'): Promise<string> {
  const name = path.split('/').at(-1);
  const [row] = await sql.query<{ id: string }>(
    'insert into asset (kind, name, path) values ($1, $2, $3) returning id',
    [kind, name, path],
  );
  if (!row) throw new Error('the insert returned no row');
  return row.id;
}

export async function insertOrder(
  sql: Sql,
  number: string,
  assetId: string,
  status: string,
): Promise<string> {
  const [row] = await sql.query<{ id: string }>(
    `insert into production_order (number, material, quantity, status, asset_id)
     values ($1, 'BRKT-1', 10, $2::text::production_order_status, $3) returning id`,
    [number, status, assetId],
  );
  if (!row) throw new Error('the insert returned no row');
  return row.id;
}

/** An order's stored state and history: what a refused step must leave as it was. */
export async function orderSnapshot(sql: Sql, orderId: string) {
  const [order] = await sql.query(
    `select status::text as status, started_at, completed_at, failure_reason, updated_at
       from production_order where id = $1`,
    [orderId],
  );
  const history = await sql.query(
    `select from_status::text as from, to_status::text as to, actor, reason
       from production_order_status_change where order_id = $1 order by changed_at, id`,
    [orderId],
  );
  return { order, history };
}
