import { Args, Ctx, Query, Resolver } from 'type-graphql';
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
import { AuditLogArgs } from './audit.args.ts';
import { AuditEntry, AuditEntryConnection } from './audit.type.ts';

@Resolver()
export class AuditResolver {
  @Query(() => AuditEntryConnection, {
    description:
      'Mutations of every subgraph and refused authentications, newest first, filtered by entity and time. Engineers and admins without a site restriction only.',
  })
  async auditLog(@Args(() => AuditLogArgs) args: AuditLogArgs, @Ctx() context: GraphContext) {
    // Inputs and callers of every site: for engineers and admins who see every site.
    const { identity } = context;
    if (!includesRole(identity.role, 'engineer') || identity.sites) {
      throw new PlantgraphError(
        'FORBIDDEN',
        'auditLog needs the role engineer or higher, without a site restriction',
      );
    }
    const first = pageSize(args.first);
    const after = decodeTimeCursor(args.after);
    if (args.from && args.to && args.from > args.to) {
      throw new BadUserInputError('from', 'must not be after "to"');
    }
    const rows = await auditEntries(context.sql, {
      entityType: args.entityType ?? null,
      entityId: args.entityId ?? null,
      from: args.from ?? null,
      to: args.to ?? null,
      after: after ?? null,
      limit: first + 1,
    });
    return toConnection(rows, first, AuditEntry.fromRow, (row) => [row.time_us, row.id]);
  }
}
