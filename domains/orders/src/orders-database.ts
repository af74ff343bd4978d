import type { EventBus } from '@plantgraph/bus';
import type { Sql } from '@plantgraph/db';
import type { PrismaClient } from '@plantgraph/db/prisma';

/**
 * Where orders are kept and whom their changes are told: the bus is optional, because without
 * one nobody listens. A subgraph's context and the connector runtime both fit.
 */
export interface OrdersDatabase {
  sql: Sql;
  events?: EventBus | undefined;
}

/** Planning writes (create, update) use Prisma's nested creates. */
export interface PlanningDatabase extends OrdersDatabase {
  prisma: PrismaClient;
}

/**
 * Which assets and orders the caller may touch. The adapter that knows the caller (a subgraph
 * with its identity) implements it; the domain asks at the point the old code did, after the
 * input is valid and before anything is written. Machines act for the whole plant and pass none.
 */
export interface OrderAccess {
  asset(assetId: string, field: string): Promise<void>;
  order(orderId: string, field: string): Promise<void>;
}
