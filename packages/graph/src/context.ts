import type DataLoader from 'dataloader';
import type { Identity } from '@plantgraph/auth';
import type { EventBus } from '@plantgraph/bus';
import type { Logger } from '@plantgraph/config';
import type { Sql, StorageCapabilities } from '@plantgraph/db';
import type { PrismaClient } from '@plantgraph/db/prisma';

/** What every subgraph needs from the process that runs it. */
export interface GraphServices {
  sql: Sql;
  /**
   * Only for subgraphs whose module declares `usesPrisma` (master-data writes through Prisma);
   * the others never build a client. Read it with `prismaOf`.
   */
  prisma?: PrismaClient;
  capabilities: StorageCapabilities;
  logger: Logger;
  /** The platform's event bus; without it, subscriptions answer SERVICE_UNAVAILABLE. */
  events?: EventBus;
}

export type { Identity } from '@plantgraph/auth';

/** Per-request context: the services, the caller and this request's DataLoaders. */
export interface GraphContext extends GraphServices {
  identity: Identity;
  loaders: Map<LoaderFactory<never, unknown, unknown>, DataLoader<never, unknown, unknown>>;
}

export type LoaderFactory<K, V, C = K> = (context: GraphContext) => DataLoader<K, V, C>;

/**
 * The request's DataLoader made by `factory`, created on first use. Loaders live for one request,
 * so batching never leaks data between callers.
 */
export function loader<K, V, C = K>(
  context: GraphContext,
  factory: LoaderFactory<K, V, C>,
): DataLoader<K, V, C> {
  const key = factory as unknown as LoaderFactory<never, unknown, unknown>;
  let existing = context.loaders.get(key);
  if (!existing) {
    existing = factory(context) as unknown as DataLoader<never, unknown, unknown>;
    context.loaders.set(key, existing);
  }
  return existing as unknown as DataLoader<K, V, C>;
}

export function createContext(services: GraphServices, identity: Identity): GraphContext {
  return { ...services, identity, loaders: new Map() };
}

export { groupBy, indexBy } from '@plantgraph/db';

/** The Prisma client of a subgraph that declared `usesPrisma`; a startup mistake otherwise. */
export function prismaOf(services: GraphServices): PrismaClient {
  if (!services.prisma) {
    throw new Error('This subgraph runs without Prisma: declare usesPrisma in its SubgraphModule');
  }
  return services.prisma;
}
