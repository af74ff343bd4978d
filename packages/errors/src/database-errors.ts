import { GraphQLError } from 'graphql';
import { ConflictError, PlantgraphError } from './plantgraph-error.ts';

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  detail?: unknown;
}

/**
 * Maps database constraint violations (PostgreSQL SQLSTATE class 23) to client errors, in one
 * place, so a resolver can let them propagate. Anything else is returned unchanged and stays an
 * internal error.
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
