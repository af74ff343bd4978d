import { GraphQLError } from 'graphql';

export type LimitErrorCode =
  | 'QUERY_TOO_COMPLEX'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'PERSISTED_QUERY_NOT_ALLOWED'
  | 'BAD_REQUEST';

/** A request refused by one of the gateway's limits; `extensions` say which and by how much. */
export class LimitError extends GraphQLError {
  constructor(code: LimitErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

/** The body of an HTTP response refusing a request, shaped like a GraphQL response. */
export function errorBody(error: GraphQLError): { errors: ReturnType<GraphQLError['toJSON']>[] } {
  return { errors: [error.toJSON()] };
}
