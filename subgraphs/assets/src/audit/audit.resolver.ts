import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphContext } from '@plantgraph/graph';
import { AuditLogArgs } from './audit.args.ts';
import { auditPage, requireAuditReader } from './audit.service.ts';
import { AuditEntryConnection } from './audit.type.ts';

@Resolver()
export class AuditResolver {
  @Query(() => AuditEntryConnection, {
    description:
      'Mutations of every subgraph and refused authentications, newest first, filtered by entity and time. Engineers and admins without a site restriction only.',
  })
  auditLog(@Args(() => AuditLogArgs) args: AuditLogArgs, @Ctx() context: GraphContext) {
    // Inputs and callers of every site: for engineers and admins who see every site.
    requireAuditReader(context, 'auditLog', true);
    return auditPage(context, args);
  }
}
