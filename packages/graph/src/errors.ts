import { GraphQLError } from 'graphql';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'SERVICE_UNAVAILABLE';

/** A GraphQL error a client can act on: it carries `extensions.code` and never a stack trace. */
export class PlantgraphError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

/** The caller sent an argument that cannot be used; `argument` names it, e.g. `first`. */
export class BadUserInputError extends PlantgraphError {
  constructor(argument: string, message: string) {
    super('BAD_USER_INPUT', `Argument "${argument}": ${message}`, { argument });
  }
}

export class NotFoundError extends PlantgraphError {
  constructor(entity: string, id: string, argument = 'id') {
    super('NOT_FOUND', `${entity} "${id}" does not exist (argument "${argument}")`, { argument });
  }
}

export class ConflictError extends PlantgraphError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  detail?: unknown;
}

/**
 * Maps database constraint violations to client errors, in one place, so a resolver can let them
 * propagate. Anything else is returned unchanged and stays an internal error.
 */
export function fromDatabaseError(error: unknown): unknown {
  if (error instanceof GraphQLError || typeof error !== 'object' || error === null) return error;
  const { code, constraint, detail } = error as DriverError;
  const what = typeof constraint === 'string' ? ` (${constraint})` : '';
  const why = typeof detail === 'string' ? `: ${detail}` : '';
  switch (code) {
    case '23505':
      return new ConflictError(`A record with these values already exists${what}${why}`);
    case '23503':
      return new PlantgraphError(
        'BAD_USER_INPUT',
        `A referenced record does not exist${what}${why}`,
      );
    case '23514':
    case '23502':
      return new PlantgraphError('BAD_USER_INPUT', `A value breaks a rule${what}${why}`);
    default:
      return error;
  }
}
