import { createLogger, loadConfig } from '@plantgraph/config';
import type { z } from 'zod';
import { exitOnStartupError } from './fail-fast.ts';
import { closeOnSignals } from './shutdown.ts';
import { startTracing } from './tracing.ts';

/** What a long-running role hands back once it serves. */
export interface RunningRole {
  close(): Promise<void>;
}

/**
 * One role of `plantgraph <role>`: the environment it reads (validated before anything starts,
 * listed by `--help`) and how it starts. A service resolves to what closes it; a one-shot role
 * (migrate, seed, keys) resolves to its exit code.
 */
export interface ProcessRole<Shape extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  /** Extra usage lines after the name, e.g. `create --role <role> [--sites <ids>]`. */
  usage?: string;
  environment: Shape;
  start(config: z.infer<z.ZodObject<Shape>>, args: string[]): Promise<RunningRole | number>;
}

export const defineRole = <Shape extends z.ZodRawShape>(
  role: ProcessRole<Shape>,
): ProcessRole<Shape> => role;

/**
 * Validates the role's environment, starts it and, for a service, closes it on SIGINT/SIGTERM.
 * Configuration and port errors end the process with the message naming the variable. Tracing
 * starts first when the OTEL_* variables ask for it (tracing.ts) and is flushed last.
 */
export async function runRole<Shape extends z.ZodRawShape>(
  role: ProcessRole<Shape>,
  args: string[],
): Promise<void> {
  try {
    const config = loadConfig(role.environment);
    const tracing = await startTracing(`plantgraph-${role.name.replaceAll(' ', '-')}`);
    const started = await role.start(config, args);
    if (typeof started === 'number') {
      await tracing?.shutdown();
      process.exitCode = started;
      return;
    }
    closeOnSignals(createLogger(role.name), async () => {
      await started.close();
      await tracing?.shutdown();
    });
  } catch (error) {
    exitOnStartupError(error);
  }
}
