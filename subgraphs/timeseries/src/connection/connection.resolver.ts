import { Ctx, Query, Resolver } from 'type-graphql';
import type { GraphContext } from '@plantgraph/graph';
import { connectionStatuses } from '@plantgraph/timeseries-domain';
import { Connection } from './connection.type.ts';

@Resolver(() => Connection)
export class ConnectionResolver {
  @Query(() => [Connection], { description: 'Every configured machine connection, by id.' })
  async connections(@Ctx() context: GraphContext): Promise<Connection[]> {
    const rows = await connectionStatuses(context.sql);
    return rows.map((row) => Connection.fromRow(row));
  }
}
