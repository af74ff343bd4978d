import type { Logger } from 'pino';

/**
 * Runs `close` once on SIGINT or SIGTERM, then exits. Signals that arrive while closing (npm and
 * tsx forward Ctrl-C, so the process often gets two) are ignored rather than cutting the close short.
 */
export function closeOnSignals(logger: Logger, close: () => Promise<void>): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
