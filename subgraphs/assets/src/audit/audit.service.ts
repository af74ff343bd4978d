import { includesRole } from '@plantgraph/auth';
import { auditEntries } from '@plantgraph/db';
import {
  BadUserInputError,
  decodeTimeCursor,
  pageSize,
  PlantgraphError,
  toConnection,
  type GraphContext,
} from '@plantgraph/graph';
import { AuditEntry } from './audit.type.ts';

/** Which audit entries to page through; absent conditions match everything. */
export interface AuditPageFilter {
  entityType?: string | null;
  entityId?: string | null;
  from?: Date | null;
  to?: Date | null;
  first?: number | null;
  after?: string | null;
}

/**
 * Audit entries hold callers and inputs, so reading them needs the role engineer. `everySite`:
 * the whole log, which only callers without a site restriction may read; an entity's own entries
 * (Asset.changes) follow the entity's site scope instead.
 */
export function requireAuditReader(context: GraphContext, what: string, everySite: boolean) {
  const { identity } = context;
  if (includesRole(identity.role, 'engineer') && !(everySite && identity.sites)) return;
  const restriction = everySite ? ', without a site restriction' : '';
  throw new PlantgraphError('FORBIDDEN', `${what} needs the role engineer or higher${restriction}`);
}

/** One page of audit entries, newest first. */
export async function auditPage(context: GraphContext, filter: AuditPageFilter) {
  const first = pageSize(filter.first);
  const after = decodeTimeCursor(filter.after);
  if (filter.from && filter.to && filter.from > filter.to) {
    throw new BadUserInputError('from', 'must not be after "to"');
  }
  const rows = await auditEntries(context.sql, {
    entityType: filter.entityType ?? null,
    entityId: filter.entityId ?? null,
    from: filter.from ?? null,
    to: filter.to ?? null,
    after: after ?? null,
    limit: first + 1,
  });
  return toConnection(rows, first, AuditEntry.fromRow, (row) => [row.time_us, row.id]);
}
