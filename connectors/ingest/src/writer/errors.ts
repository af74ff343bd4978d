/**
 * Whether the database refused the data itself: SQLSTATE class 22 (data exception: bad value,
 * bad encoding) or 23 (integrity constraint violation). Retrying such a batch fails the same way,
 * so its bad rows are found and set aside. Everything else (refused or dropped connections, pool
 * errors, shutdowns, serialisation failures) says nothing about the rows: the batch is kept and
 * tried again later.
 */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

/** The database's message for a rejected row, as the dead letter's reason. */
export function errorReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const detail = (error as { detail?: unknown }).detail;
  return typeof detail === 'string' && detail ? `${error.message} (${detail})` : error.message;
}
