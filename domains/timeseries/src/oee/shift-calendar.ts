import {
  addDays,
  daysBetween,
  instantAt,
  isoWeekday,
  localDateAt,
  secondsOfDay,
  type LocalDate,
} from './wall-clock.ts';

/** A half-open time range [start, end) in epoch milliseconds. */
export interface TimeRange {
  start: number;
  end: number;
}

/** A row of the `shift` table as the calendar needs it. */
export interface ShiftDefinition {
  id: string;
  siteId: string;
  name: string;
  /** PostgreSQL `time` text, local to `timezone`. */
  startTime: string;
  endTime: string;
  /** ISO weekdays the shift starts on: 1 = Monday ... 7 = Sunday. */
  daysOfWeek: number[];
  timezone: string;
}

export interface ShiftOccurrence extends TimeRange {
  shift: ShiftDefinition;
}

/**
 * Every time one of a site's `shifts` is worked that overlaps [from, to), oldest first and cut
 * at the window's edges. Start and end are wall-clock times in the shift's zone, so a night
 * shift over a DST change lasts 7 or 9 hours. Where shifts overlap, the later one starts when
 * the earlier one ends. Stops looking once it found more than `limit`, which the caller then
 * refuses; that many come back unsorted.
 */
export function shiftOccurrences(
  shifts: readonly ShiftDefinition[],
  from: number,
  to: number,
  limit: number,
): ShiftOccurrence[] {
  if (shifts.length === 0 || from >= to) return [];
  // A shift that started the day before may still run at `from`, in whichever zone.
  const calendars = shifts.map((shift) => ({
    shift,
    firstDay: addDays(localDateAt(from, shift.timezone), -1),
    lastDay: localDateAt(to, shift.timezone),
  }));
  const days = Math.max(...calendars.map((c) => daysBetween(c.firstDay, c.lastDay)));
  const found: ShiftOccurrence[] = [];
  for (let offset = 0; offset <= days; offset++) {
    for (const { shift, firstDay } of calendars) {
      const occurrence = occurrenceOn(shift, addDays(firstDay, offset));
      if (occurrence && occurrence.end > from && occurrence.start < to) found.push(occurrence);
    }
    if (found.length > limit) return found;
  }
  return withoutOverlaps(found).map((occurrence) => ({
    ...occurrence,
    start: Math.max(occurrence.start, from),
    end: Math.min(occurrence.end, to),
  }));
}

function occurrenceOn(shift: ShiftDefinition, date: LocalDate): ShiftOccurrence | undefined {
  if (!shift.daysOfWeek.includes(isoWeekday(date))) return undefined;
  const startSeconds = secondsOfDay(shift.startTime);
  const endSeconds = secondsOfDay(shift.endTime);
  const endDate = endSeconds <= startSeconds ? addDays(date, 1) : date;
  return {
    shift,
    start: instantAt(date, startSeconds, shift.timezone),
    end: instantAt(endDate, endSeconds, shift.timezone),
  };
}

function withoutOverlaps(occurrences: readonly ShiftOccurrence[]): ShiftOccurrence[] {
  const sorted = [...occurrences].sort(
    (a, b) => a.start - b.start || a.end - b.end || a.shift.name.localeCompare(b.shift.name),
  );
  const result: ShiftOccurrence[] = [];
  let busyUntil = -Infinity;
  for (const occurrence of sorted) {
    const start = Math.max(occurrence.start, busyUntil);
    if (start < occurrence.end) result.push({ ...occurrence, start });
    busyUntil = Math.max(busyUntil, occurrence.end);
  }
  return result;
}

/** Joins ranges that touch or overlap; the input must be sorted by start. */
export function mergeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const merged: TimeRange[] = [];
  for (const { start, end } of ranges) {
    const last = merged.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else merged.push({ start, end });
  }
  return merged;
}
