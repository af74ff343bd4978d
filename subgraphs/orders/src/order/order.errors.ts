import {
  BadUserInputError,
  ConflictError,
  NotFoundError,
  type PlantgraphError,
} from '@plantgraph/graph';
import {
  InvalidOrderInput,
  OrderConflict,
  OrderDomainError,
  RecordNotFound,
} from '@plantgraph/orders-domain';

/** The coded GraphQL error a client sees for a refusal of the orders domain. */
export function graphErrorOf(error: OrderDomainError): PlantgraphError {
  if (error instanceof InvalidOrderInput) return new BadUserInputError(error.field, error.problem);
  if (error instanceof RecordNotFound)
    return new NotFoundError(error.entity, error.id, error.field);
  if (error instanceof OrderConflict) return new ConflictError(error.message);
  // A new kind of refusal is still the caller's to fix, not an internal error.
  return new ConflictError(error.message);
}

/**
 * Runs a call into the orders domain and answers its refusals as coded GraphQL errors: the one
 * place the subgraph translates them. Anything else passes unchanged.
 */
export async function asGraphErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof OrderDomainError ? graphErrorOf(error) : error;
  }
}
