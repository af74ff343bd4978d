/**
 * Roles and what each may do, in one table. A role includes everything of the roles before it:
 * viewer reads, live values included (queries and subscriptions); operator also acknowledges alarms
 * and records measurements; integrator also runs the order mutations; engineer also changes
 * mappings, the asset model and its tags, replays dead letters and applies (and reads) the
 * integration configuration; admin may do everything.
 */
export const ROLES = ['viewer', 'operator', 'integrator', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` includes `required`. */
export function includesRole(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** The least role for each mutation; a mutation missing here needs admin. */
export const MUTATION_ROLES: Readonly<Record<string, Role>> = {
  acknowledgeAlarm: 'operator',
  recordMeasurement: 'operator',
  createProductionOrder: 'integrator',
  createProductionOrders: 'integrator',
  updateProductionOrder: 'integrator',
  releaseOrder: 'integrator',
  downloadOrder: 'integrator',
  abortOrder: 'integrator',
  completeOrder: 'integrator',
  cancelProductionOrder: 'integrator',
  replayDeadLetters: 'engineer',
  createAsset: 'engineer',
  updateAsset: 'engineer',
  retireAsset: 'engineer',
  createTag: 'engineer',
  updateTag: 'engineer',
  retireTag: 'engineer',
  applyIntegrationConfig: 'engineer',
  rollbackIntegrationConfig: 'engineer',
};

/** Queries (and exports) need viewer. */
export const QUERY_ROLE: Role = 'viewer';
/**
 * Subscriptions need viewer as well: following live values is reading them. What a subscriber
 * costs is bounded per caller (PLANTGRAPH_MAX_SUBSCRIPTIONS_PER_CALLER), not by role.
 */
export const SUBSCRIPTION_ROLE: Role = 'viewer';

/** The least role for an operation of `kind` (and, for mutations, its root field). */
export function requiredRole(kind: 'query' | 'mutation' | 'subscription', field?: string): Role {
  if (kind === 'query') return QUERY_ROLE;
  if (kind === 'subscription') return SUBSCRIPTION_ROLE;
  return (
    (field !== undefined && Object.hasOwn(MUTATION_ROLES, field) && MUTATION_ROLES[field]) ||
    'admin'
  );
}
