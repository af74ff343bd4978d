import { z } from 'zod';

/**
 * History backfill of an OPC UA connection: after a reconnect, and on start, the connector reads
 * from the server's history what it missed while it was away (OPC UA Part 11, ReadRawModified),
 * at most `maxWindow` back. Off unless the connection has a `backfill` section.
 */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+)(ms|s|m|h|d)$/;

/** The longest window a backfill may read: a server's history rarely goes back further. */
export const MAX_BACKFILL_WINDOW_MS = 7 * UNIT_MS.d;

/** A duration such as "90s", "15m", "1h" or "2d" in milliseconds; NaN when it is none. */
export function durationMs(text: string): number {
  const match = DURATION.exec(text);
  if (!match) return Number.NaN;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** What is wrong with a window, or undefined when nothing is. */
function windowProblem(text: string): string | undefined {
  const ms = durationMs(text);
  if (Number.isNaN(ms)) return 'must be a duration such as "15m", "1h" or "2d"';
  if (ms <= 0) return 'must be longer than 0';
  if (ms > MAX_BACKFILL_WINDOW_MS) return 'must be at most 7d';
  return undefined;
}

const window = z.string().superRefine((text, context) => {
  const problem = windowProblem(text);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

export const backfillSchema = z.strictObject({
  /** How far back a backfill reads at most, from the moment the connection is back. */
  maxWindow: window.default('1h'),
  /** Nodes per HistoryRead call; the server's MaxNodesPerHistoryReadData caps it further. */
  nodesPerRead: z.number().int().min(1).default(50),
  /** Values per node and call; the server hands out the rest through continuation points. */
  valuesPerNode: z.number().int().min(1).max(100_000).default(1000),
});

export type BackfillConfig = z.infer<typeof backfillSchema>;
