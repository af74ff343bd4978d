import type { GraphQLFormattedError } from 'graphql';

/** What went wrong talking to the graph, as far as the answer tells. */
export interface ClientErrorDetails {
  /** The GraphQL errors of the answer, in order; empty when there was none. */
  errors?: readonly GraphQLFormattedError[];
  /** The HTTP status of the answer to a request. */
  status?: number;
  /** The WebSocket close code that ended a subscription (4403: credentials refused or ended). */
  closeCode?: number;
  /** Whatever data came with the errors: a partial answer stays inspectable. */
  data?: unknown;
  cause?: unknown;
}

/**
 * A request or subscription the graph refused or failed: its GraphQL errors (each with `message`,
 * `path` and `extensions.code`), the HTTP status or WebSocket close code, and any partial data.
 */
export class PlantgraphClientError extends Error {
  override readonly name = 'PlantgraphClientError';
  readonly errors: readonly GraphQLFormattedError[];
  readonly status: number | undefined;
  readonly closeCode: number | undefined;
  readonly data: unknown;

  constructor(message: string, details: ClientErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.errors = details.errors ?? [];
    this.status = details.status;
    this.closeCode = details.closeCode;
    this.data = details.data;
  }

  /** `extensions.code` of the first error (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, ...). */
  get code(): string | undefined {
    const code = this.errors[0]?.extensions?.['code'];
    return typeof code === 'string' ? code : undefined;
  }

  /** An error for an answer carrying GraphQL errors: their messages joined. */
  static fromErrors(
    errors: readonly GraphQLFormattedError[],
    details: Omit<ClientErrorDetails, 'errors'> = {},
  ): PlantgraphClientError {
    return new PlantgraphClientError(errors.map((error) => error.message).join('; '), {
      ...details,
      errors,
    });
  }
}
