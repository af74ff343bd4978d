import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { httpStatusOf, type ErrorCode, type LimitCode } from './codes.ts';

/**
 * A GraphQL error a client can act on: it carries `extensions.code` (after any other extensions)
 * and never a stack trace. Resolvers throw it, Apollo Server and graphql-ws pass it on as it is.
 */
export class PlantgraphError<Code extends ErrorCode = ErrorCode> extends GraphQLError {
  constructor(code: Code, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }

  // A getter, not a field: an own property would show in equality checks and serializations.
  get code(): Code {
    return this.extensions.code as Code;
  }

  /** The HTTP status of a request refused with this error as a whole. */
  get httpStatus(): number {
    return httpStatusOf(this.code);
  }
}

/** The caller sent an argument that cannot be used; `argument` names it, e.g. `first`. */
export class BadUserInputError extends PlantgraphError<'BAD_USER_INPUT'> {
  constructor(argument: string, message: string) {
    super('BAD_USER_INPUT', `Argument "${argument}": ${message}`, { argument });
  }
}

/** An argument names an entity that does not exist. */
export class NotFoundError extends PlantgraphError<'NOT_FOUND'> {
  constructor(entity: string, id: string, argument = 'id') {
    super('NOT_FOUND', `${entity} "${id}" does not exist (argument "${argument}")`, { argument });
  }
}

/** The change breaks a rule of the current state: an illegal status step, a duplicate. */
export class ConflictError extends PlantgraphError<'CONFLICT'> {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/**
 * An HTTP request presented no credentials, or invalid ones. `extensions.http` makes Apollo Server
 * answer 401 (and is stripped from the response, as errorBody does); over a WebSocket, where it
 * would be sent as it is, use `new PlantgraphError('UNAUTHENTICATED', ...)`.
 */
export class AuthenticationError extends PlantgraphError<'UNAUTHENTICATED'> {
  constructor(message: string) {
    super('UNAUTHENTICATED', message, { http: { status: httpStatusOf('UNAUTHENTICATED') } });
  }
}

/** A request refused by one of the gateway's limits; `extensions` say which and by how much. */
export class LimitError extends PlantgraphError<LimitCode> {}

/** What a client sees of a failure that is not its own: no details, those go to the log. */
export class InternalServerError extends PlantgraphError<'INTERNAL_SERVER_ERROR'> {
  constructor() {
    super('INTERNAL_SERVER_ERROR', 'Internal server error');
  }
}

/**
 * The body of an HTTP response refusing a request, shaped like a GraphQL response. The status
 * line carries the status, so `extensions.http` is left out, as Apollo Server leaves it out.
 */
export function errorBody(error: GraphQLError): { errors: GraphQLFormattedError[] } {
  const { extensions, ...formatted } = error.toJSON();
  const shown = Object.fromEntries(
    Object.entries(extensions ?? {}).filter(([key]) => key !== 'http'),
  );
  return {
    errors: [Object.keys(shown).length > 0 ? { ...formatted, extensions: shown } : formatted],
  };
}
