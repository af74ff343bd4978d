/**
 * Every `extensions.code` Plantgraph raises, with the HTTP status of a request refused with it as
 * a whole (a limit, authentication, /export). Inside a GraphQL response a field error does not
 * change the status: partial results are 200 (GraphQL over HTTP, "application/json" responses).
 * docs/api.md#error-codes describes each code; keep the two in step.
 */
export const ERROR_CODES = {
  BAD_USER_INPUT: 400,
  // Always an argument naming something that does not exist: the request is at fault, not a URL.
  NOT_FOUND: 400,
  CONFLICT: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  QUERY_TOO_COMPLEX: 400,
  PERSISTED_QUERY_NOT_ALLOWED: 400,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
} as const satisfies Readonly<Record<string, number>>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes of the gateway's limits, which refuse a request before anything runs. */
export type LimitCode = Extract<
  ErrorCode,
  | 'QUERY_TOO_COMPLEX'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'PERSISTED_QUERY_NOT_ALLOWED'
  | 'BAD_REQUEST'
>;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** The HTTP status of a request refused with `code`. */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}
