import { pino, type Logger } from 'pino';

export type { Logger };

/** One logger per process; `LOG_LEVEL` picks the level (pino's names). */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level });
}
