import {
  BadUserInputError,
  checkTimeWindow,
  decodeTimeCursor,
  pageSize,
  parseIds,
  toConnection,
  type GraphContext,
} from '@plantgraph/graph';
import { deadLetterPage, requestReplay as replayDeadLetters } from '@plantgraph/timeseries-domain';
import type { DeadLettersArgs } from './dead-letter.args.ts';
import { DeadLetter } from './dead-letter.type.ts';

const MAX_REPLAY = 1000;

/** Newest first; the cursor keeps microseconds so pages neither skip nor repeat letters. */
export async function listDeadLetters(context: GraphContext, args: DeadLettersArgs) {
  const first = pageSize(args.first);
  const window = checkTimeWindow(args.from, args.to);
  const { rows, total } = await deadLetterPage(context.sql, {
    source: args.source ?? null,
    from: window.from ?? null,
    to: window.to ?? null,
    after: decodeTimeCursor(args.after),
    limit: first + 1,
  });
  return toConnection(rows, first, DeadLetter.fromRow, (row) => [row.received_us, row.id], total);
}

/**
 * Asks the connectors to map these letters again (after a mapping fix): checks the ids, at most
 * MAX_REPLAY of them, and queues them all or none (NOT_FOUND for an unknown one).
 */
export async function requestReplay(context: GraphContext, ids: readonly string[]) {
  if (ids.length === 0) throw new BadUserInputError('ids', 'must name at least one dead letter');
  if (ids.length > MAX_REPLAY) {
    throw new BadUserInputError('ids', `at most ${MAX_REPLAY} per call, got ${ids.length}`);
  }
  const unique = [...new Set(parseIds(ids, 'ids', 'DeadLetter'))];
  const rows = await replayDeadLetters(context.sql, unique);
  return rows.map(DeadLetter.fromRow);
}
