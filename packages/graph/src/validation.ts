import { BadUserInputError } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks that `value` is a well-formed id; returns it lower-cased for comparison. */
export function parseId(value: string, argument: string, entity: string): string {
  if (!UUID.test(value)) {
    throw new BadUserInputError(argument, `"${value}" is not a valid ${entity} id`);
  }
  return value.toLowerCase();
}

export function parseIds(values: readonly string[], argument: string, entity: string): string[] {
  return values.map((value) => parseId(value, argument, entity));
}

export interface TimeWindow {
  from: Date | undefined;
  to: Date | undefined;
}

/** Rejects a window whose start lies after its end. */
export function checkTimeWindow(from?: Date | null, to?: Date | null): TimeWindow {
  if (from && to && from.getTime() > to.getTime()) {
    throw new BadUserInputError(
      'from',
      `must not be later than "to" (${from.toISOString()} > ${to.toISOString()})`,
    );
  }
  return { from: from ?? undefined, to: to ?? undefined };
}
