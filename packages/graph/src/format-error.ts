import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '@plantgraph/config';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { fromDatabaseError, InternalServerError } from './errors.ts';

/**
 * Client errors pass through with their code; database constraint violations become client
 * errors; anything else is logged and reported without internals.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (formatted.extensions?.code && formatted.extensions.code !== 'INTERNAL_SERVER_ERROR') {
      return formatted;
    }
    const mapped = fromDatabaseError(unwrapResolverError(error));
    if (mapped instanceof GraphQLError) {
      return { ...formatted, message: mapped.message, extensions: { ...mapped.extensions } };
    }
    logger.error({ err: unwrapResolverError(error), path: formatted.path }, 'internal error');
    const internal = new InternalServerError();
    return {
      message: internal.message,
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { ...internal.extensions },
    };
  };
}
