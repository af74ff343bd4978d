import { BadUserInputError } from './errors.ts';
import { decodeCursor } from './pagination.ts';
import { parseId } from './validation.ts';

/**
 * A position in a newest-first list ordered by (timestamp, id). The timestamp travels in
 * microseconds because PostgreSQL keeps microseconds and a JavaScript Date only milliseconds: a
 * millisecond cursor would skip rows that differ from the last one below the millisecond.
 */
export interface TimeCursor {
  micros: number;
  id: string;
}

export { microsOf, timestampFromMicros } from '@plantgraph/db';

/** Decodes an `after` cursor made from `[micros, id]`; anything else is bad input. */
export function decodeTimeCursor(
  after: string | null | undefined,
  argument = 'after',
): TimeCursor | undefined {
  const key = decodeCursor(after, 2, argument);
  if (!key) return undefined;
  const [micros, id] = key;
  if (typeof micros !== 'number' || !Number.isSafeInteger(micros) || typeof id !== 'string') {
    throw new BadUserInputError(argument, `"${after}" is not a valid cursor`);
  }
  return { micros, id: parseId(id, argument, 'cursor') };
}
