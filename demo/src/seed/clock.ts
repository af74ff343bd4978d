const MINUTE = 60_000;

/**
 * Turns minute offsets into time-stamps. The last minute of the history is `now` truncated to
 * the minute, so a seed always ends in the present.
 */
export class Clock {
  readonly start: Date;
  readonly end: Date;

  constructor(
    now: Date,
    readonly minutes: number,
  ) {
    const anchor = Math.floor(now.getTime() / MINUTE) * MINUTE;
    this.start = new Date(anchor - (minutes - 1) * MINUTE);
    this.end = new Date(anchor);
  }

  at(minute: number): Date {
    return new Date(this.start.getTime() + minute * MINUTE);
  }
}
