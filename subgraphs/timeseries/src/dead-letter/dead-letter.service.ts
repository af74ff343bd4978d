import {
  BadUserInputError,
  checkTimeWindow,
  decodeTimeCursor,
  microsOf,
  NotFoundError,
  pageSize,
  parseIds,
  timestampFromMicros,
  toConnection,
  type GraphContext,
} from '@plantgraph/graph';
import type { DeadLettersArgs } from './dead-letter.args.ts';
import { DeadLetter, type DeadLetterRow } from './dead-letter.type.ts';

const MAX_REPLAY = 1000;

const columns = `id, connection, address, payload, payload_size, reason, received_at,
  ${microsOf('received_at')} as received_us,
  replay_requested_at, replayed_at, replay_error`;

/** Newest first; the cursor keeps microseconds so pages neither skip nor repeat letters. */
export async function listDeadLetters(context: GraphContext, args: DeadLettersArgs) {
  const first = pageSize(args.first);
  const window = checkTimeWindow(args.from, args.to);
  const after = decodeTimeCursor(args.after);
  const filter = `($1::text is null or connection = $1)
    and ($2::timestamptz is null or received_at >= $2)
    and ($3::timestamptz is null or received_at < $3)`;
  const params = [args.source ?? null, window.from ?? null, window.to ?? null];
  const [rows, [count]] = await Promise.all([
    context.sql.query<DeadLetterRow>(
      `select ${columns} from dead_letter
        where ${filter}
          and ($4::int8 is null or (received_at, id) < (${timestampFromMicros('$4')}, $5::uuid))
        order by received_at desc, id desc limit $6`,
      [...params, after?.micros ?? null, after?.id ?? null, first + 1],
    ),
    context.sql.query<{ total: number }>(
      `select count(*) as total from dead_letter where ${filter}`,
      params,
    ),
  ]);
  return toConnection(
    rows,
    first,
    DeadLetter.fromRow,
    (row) => [row.received_us, row.id],
    count?.total ?? 0,
  );
}

/**
 * Asks the connectors to map these letters again (after a mapping fix). The process that owns each
 * letter's connection picks the request up, stores what maps and records why the rest still fails.
 */
export async function requestReplay(context: GraphContext, ids: readonly string[]) {
  if (ids.length === 0) throw new BadUserInputError('ids', 'must name at least one dead letter');
  if (ids.length > MAX_REPLAY) {
    throw new BadUserInputError('ids', `at most ${MAX_REPLAY} per call, got ${ids.length}`);
  }
  const unique = [...new Set(parseIds(ids, 'ids', 'DeadLetter'))];
  return context.sql.transaction(async (tx) => {
    const rows = await tx.query<DeadLetterRow>(
      `update dead_letter
          set replay_requested_at = now(), replayed_at = null, replay_error = null
        where id = any($1::uuid[])
       returning ${columns}`,
      [unique],
    );
    if (rows.length !== unique.length) {
      const found = new Set(rows.map((row) => row.id));
      const missing = unique.find((id) => !found.has(id)) ?? '';
      throw new NotFoundError('DeadLetter', missing, 'ids');
    }
    const order = new Map(unique.map((id, index) => [id, index]));
    return rows
      .sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))
      .map(DeadLetter.fromRow);
  });
}
