/**
 * Ends a process whose start failed: configuration, port and data-directory errors already say
 * what to change, so they are printed without a stack trace.
 */
export function exitOnStartupError(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  const expected = error instanceof Error && /Error$/.test(error.name) && error.name !== 'Error';
  console.error(`\nPlantgraph could not start:\n${message}\n`);
  if (!expected && error instanceof Error && error.stack) console.error(error.stack);
  process.exit(1);
}
