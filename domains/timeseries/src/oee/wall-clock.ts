/**
 * Wall-clock dates and times in IANA time zones, with `Intl` alone. Instants are epoch
 * milliseconds; a `LocalDate` is a calendar day as a clock on the shop floor shows it.
 */

export interface LocalDate {
  year: number;
  /** 1 = January. */
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** How far the zone's clocks are ahead of UTC at `instant`, in ms (Berlin in summer: 2 h). */
export function offsetAt(instant: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((candidate) => candidate.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The calendar day a clock in `timeZone` shows at `instant`. */
export function localDateAt(instant: number, timeZone: string): LocalDate {
  return dateOf(instant + offsetAt(instant, timeZone));
}

/**
 * The instant a clock in `timeZone` shows `seconds` after midnight of `date`. A time the
 * spring-forward gap skips is read with the offset before the gap, as PostgreSQL does (02:30
 * becomes 03:30 summer time); a time the fall-back repeats is its first occurrence.
 */
export function instantAt(date: LocalDate, seconds: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + seconds * 1000;
  // Zones change their offset at most once within two days, so the offsets a day before and a
  // day after are the only two the wall time can have.
  const before = wall - offsetAt(wall - DAY_MS, timeZone);
  const after = wall - offsetAt(wall + DAY_MS, timeZone);
  const shows = (instant: number) => instant + offsetAt(instant, timeZone) === wall;
  if (shows(before)) return shows(after) ? Math.min(before, after) : before;
  return shows(after) ? after : before;
}

/** `date` moved by `days` calendar days. */
export function addDays(date: LocalDate, days: number): LocalDate {
  return dateOf(Date.UTC(date.year, date.month - 1, date.day + days));
}

/** `date` moved by `months` calendar months, to the first of that month. */
export function addMonths(date: LocalDate, months: number): LocalDate {
  return dateOf(Date.UTC(date.year, date.month - 1 + months, 1));
}

/** ISO weekday: 1 = Monday ... 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() || 7;
}

/** Whole days from `from` to `to` (negative when `to` lies before). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  const utc = (date: LocalDate) => Date.UTC(date.year, date.month - 1, date.day);
  return Math.round((utc(to) - utc(from)) / DAY_MS);
}

/** Seconds after midnight of a PostgreSQL `time` ("06:00:00", "22:30:00.5"). */
export function secondsOfDay(time: string): number {
  const [hours = 0, minutes = 0, seconds = 0] = time.split(':').map(Number);
  return hours * 3600 + minutes * 60 + seconds;
}

function dateOf(utcMs: number): LocalDate {
  const date = new Date(utcMs);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}
