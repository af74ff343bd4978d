import {
  BadUserInputError,
  NotFoundError,
  PlantgraphError,
  type GraphContext,
} from '@plantgraph/graph';
import { AssetModelError, AssetModelNotFound, InvalidAssetInput } from '@plantgraph/assets-domain';

/**
 * The coded GraphQL error a client sees for a refusal of the asset model: the one place the
 * subgraph translates them. Every one names the field to blame in `extensions.argument`.
 */
export function graphErrorOf(error: AssetModelError): PlantgraphError {
  if (error instanceof InvalidAssetInput) return new BadUserInputError(error.field, error.problem);
  if (error instanceof AssetModelNotFound) {
    return new NotFoundError(error.entity, error.id, error.field);
  }
  return new PlantgraphError('CONFLICT', error.message, { argument: error.field });
}

/**
 * Runs a write of the asset model and answers its refusals as coded GraphQL errors. After a write
 * the request's loaders are dropped, so that the answer (paths, children, tags) is read afresh.
 */
export async function writeAssetModel<T>(context: GraphContext, write: () => Promise<T>) {
  try {
    return await write();
  } catch (error) {
    throw error instanceof AssetModelError ? graphErrorOf(error) : error;
  } finally {
    context.loaders.clear();
  }
}

/**
 * FORBIDDEN for a caller limited to sites who names the root (no parent): the root lies above
 * every site. Worded as the site-scope check words it.
 */
export function requireRootAllowed(context: GraphContext, argument: string): void {
  if (!context.identity.sites) return;
  throw new PlantgraphError('FORBIDDEN', `Argument "${argument}": outside the sites you may see`, {
    argument,
  });
}
