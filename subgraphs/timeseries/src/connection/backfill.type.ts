import { Field, Int, ObjectType } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';
import type { BackfillReport } from '@plantgraph/timeseries-domain';

@ObjectType({
  description:
    "A history backfill: after (re)connecting, an OPC UA connector reads the server's raw " +
    'history (HistoryRead, ReadRawModifiedDetails) of its mapped nodes from what each tag last ' +
    'stored, at most the configured maxWindow back, and stores what it missed.',
})
export class ConnectionBackfill {
  @Field(() => DateTime, { description: 'The earliest time any node was read from.' })
  from!: Date;

  @Field(() => DateTime, { description: 'Where the reads ended: when the connection was back.' })
  to!: Date;

  @Field(() => DateTime)
  startedAt!: Date;

  @Field(() => Int, {
    description: 'Milliseconds from the first read to the last value handed on.',
  })
  durationMs!: number;

  @Field(() => Int, { description: 'Nodes whose history was read.' })
  nodes!: number;

  @Field(() => Int, { description: 'Values the server returned from its history.' })
  valuesRead!: number;

  @Field(() => Int, {
    description:
      'Datapoints handed to storage after mapping and deadband. The (tag, time) key drops those ' +
      'already stored, so storage kept at most this many.',
  })
  valuesDelivered!: number;

  @Field(() => Int, {
    description:
      'Mapped nodes skipped: no HistoryRead access, not historizing, or the server answered ' +
      'BadHistoryOperationUnsupported.',
  })
  nodesUnsupported!: number;

  @Field(() => [String], { description: 'The first 20 skipped nodes, by address.' })
  unsupported!: string[];

  @Field(() => String, {
    nullable: true,
    description: 'Why the backfill stopped early; null when it completed.',
  })
  error!: string | null;

  static from(report: BackfillReport): ConnectionBackfill {
    return Object.assign(new ConnectionBackfill(), report);
  }
}
