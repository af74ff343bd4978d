import { Ctx, Query, Resolver } from 'type-graphql';
import type { GraphContext } from '@plantgraph/graph';
import { Connection, type ConnectionRow } from './connection.type.ts';

@Resolver(() => Connection)
export class ConnectionResolver {
  @Query(() => [Connection], { description: 'Every configured machine connection, by id.' })
  async connections(@Ctx() context: GraphContext): Promise<Connection[]> {
    const rows = await context.sql.query<ConnectionRow>(
      `select id, kind, endpoint, state, since, last_error, messages_per_second, items,
              last_message_at, spool_depth, dead_letters, reported_at
         from connection_status order by id`,
    );
    return rows.map((row) => Connection.fromRow(row));
  }
}
