import { Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionTypes, DateTime } from '@plantgraph/graph';
import type { DeadLetterRow } from '@plantgraph/timeseries-domain';

@ObjectType({
  description: 'A message no mapping could turn into data, kept for inspection and replay.',
})
export class DeadLetter {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The connection id it arrived on.' })
  connection!: string;

  @Field(() => String, { description: 'OPC UA node id or MQTT topic.' })
  address!: string;

  @Field(() => String, { description: 'The payload as UTF-8 text (truncated to 64 KiB).' })
  payload!: string;

  @Field(() => String, {
    description: 'The payload bytes, base64 (binary protocols such as Sparkplug B).',
  })
  payloadBase64!: string;

  @Field(() => Int, { description: 'The original payload size in bytes.' })
  payloadSize!: number;

  @Field(() => String)
  reason!: string;

  @Field(() => DateTime)
  receivedAt!: Date;

  @Field(() => DateTime, { nullable: true })
  replayRequestedAt!: Date | null;

  @Field(() => DateTime, { nullable: true })
  replayedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the last replay failed again.' })
  replayError!: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'The integration configuration version its connector ran when it refused the message; ' +
      'null for letters stored before versioned configuration.',
  })
  configVersion!: number | null;

  static fromRow(row: DeadLetterRow): DeadLetter {
    const bytes = Buffer.from(row.payload);
    return Object.assign(new DeadLetter(), {
      id: row.id,
      connection: row.connection,
      address: row.address,
      payload: bytes.toString('utf8'),
      payloadBase64: bytes.toString('base64'),
      payloadSize: row.payload_size,
      reason: row.reason,
      receivedAt: row.received_at,
      replayRequestedAt: row.replay_requested_at,
      replayedAt: row.replayed_at,
      replayError: row.replay_error,
      configVersion: row.config_version,
    });
  }
}

export const DeadLetterConnection = connectionTypes(DeadLetter, 'DeadLetter', {
  withTotalCount: true,
});
