import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { includesRole } from '@plantgraph/auth';
import {
  BadUserInputError,
  decodeTimeCursor,
  microsOf,
  pageSize,
  PlantgraphError,
  timestampFromMicros,
  toConnection,
  type GraphContext,
} from '@plantgraph/graph';
import { AuditLogArgs } from './audit.args.ts';
import { AuditEntry, AuditEntryConnection, type AuditRow } from './audit.type.ts';

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
    const rows = await context.sql.query<AuditRow>(
      `select id, time, ${microsOf('time')} as time_us, actor, operation, entity_type, entity_id,
              input, outcome, error_code, result
         from audit_log
        where ($1::text is null or entity_type = $1)
          and ($2::text is null or entity_id = $2)
          and ($3::timestamptz is null or time >= $3)
          and ($4::timestamptz is null or time < $4)
          and ($5::int8 is null or (time, id) < (${timestampFromMicros('$5')}, $6::uuid))
        order by time desc, id desc
        limit $7`,
      [
        args.entityType ?? null,
        args.entityId ?? null,
        args.from ?? null,
        args.to ?? null,
        after?.micros ?? null,
        after?.id ?? null,
        first + 1,
      ],
    );
    return toConnection(rows, first, AuditEntry.fromRow, (row) => [row.time_us, row.id]);
  }
}
