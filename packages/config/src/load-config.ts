import { z } from 'zod';

/** Raised when environment variables fail validation; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates `env` against a zod object whose keys are environment variable names. Every problem
 * is collected before failing, so an operator fixes them all in one go.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<Shape>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      // An unset variable: say that it is required and what it is, not what zod expected.
      if (env[name] === undefined || env[name] === '') {
        const description = (shape[name] as z.ZodType | undefined)?.description;
        return `${name}: required${description ? ` (${description})` : ''}`;
      }
      return `${name}: ${issue.message}`;
    }),
  );
}

/** A TCP port from an environment variable, with a default. */
export const port = (fallback: number) =>
  z.coerce.number().int().min(0).max(65535).default(fallback);

/** An optional URL; empty strings count as unset so `VAR=` in a shell means "use the default". */
export const optionalUrl = () =>
  z.preprocess((value) => (value === '' ? undefined : value), z.url().optional());
