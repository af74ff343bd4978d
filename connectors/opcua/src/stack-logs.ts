import { format } from 'node:util';
import { setErrorLogger, setWarningLogger } from 'node-opcua';

/** The part of a pino logger the stack's messages need. */
export interface StackLogSink {
  warn(context: { source: string | undefined }, message: string): void;
  error(context: { source: string | undefined }, message: string): void;
}

/**
 * Sends node-opcua's own warnings and errors to `logger`. node-opcua prints them with
 * console.log, which would interleave coloured text with the JSON log lines on stdout. The
 * setting is process-wide, so a process entry point calls this once.
 */
export function routeOpcuaStackLogs(logger: StackLogSink): void {
  const forward =
    (level: 'warn' | 'error') =>
    (context?: unknown, ...args: unknown[]) => {
      const source = (context as { filename?: string } | undefined)?.filename;
      logger[level]({ source }, format(...args));
    };
  setWarningLogger(forward('warn'));
  setErrorLogger(forward('error'));
}
