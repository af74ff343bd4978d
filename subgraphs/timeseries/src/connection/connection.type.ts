import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';
import {
  ConnectionKind,
  ConnectionState,
  isStale,
  STALE_AFTER_MS,
  type ConnectionRow,
} from '@plantgraph/timeseries-domain';
import { ConnectionBackfill } from './backfill.type.ts';
import { OpcuaServerLimits, OpcuaSubscriptionPlan } from './server-limits.type.ts';

export { ConnectionKind, ConnectionState };

registerEnumType(ConnectionKind, { name: 'ConnectionKind' });

registerEnumType(ConnectionState, {
  name: 'ConnectionState',
  valuesConfig: {
    CONNECTING: { description: 'First connection attempt under way (or retrying since start).' },
    CONNECTED: { description: 'Connected and receiving.' },
    RECONNECTING: { description: 'Lost after having been connected; retrying with backoff.' },
    DISCONNECTED: { description: 'Closed on purpose (shutdown).' },
    FAILED: { description: 'Gave up; the configuration or the peer needs attention.' },
  },
});

@ObjectType({ description: 'A machine connection (OPC UA server, MQTT broker) and its health.' })
export class Connection {
  @Field(() => ID, { description: 'The connection id from the plant configuration.' })
  id!: string;

  @Field(() => ConnectionKind)
  kind!: ConnectionKind;

  @Field(() => String, { description: 'OPC UA endpoint URL or MQTT broker URL.' })
  endpoint!: string;

  @Field(() => ConnectionState)
  state!: ConnectionState;

  @Field(() => DateTime, { description: 'When the connection entered its current state.' })
  since!: Date;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Float, { description: 'Messages received per second over the last 10 seconds.' })
  messagesPerSecond!: number;

  @Field(() => Int, { description: 'Monitored items (OPC UA) or subscribed topic filters (MQTT).' })
  items!: number;

  @Field(() => DateTime, { nullable: true })
  lastMessageAt!: Date | null;

  @Field(() => Int, { description: 'Records waiting in spool files for the database.' })
  spoolDepth!: number;

  @Field(() => Int, { description: 'Dead letters stored for this connection by its process.' })
  deadLetters!: number;

  @Field(() => Int, {
    description:
      'Messages the source sent that never arrived, counted by the owning process since it ' +
      'started: Sparkplug B sequence gaps (a broker dropping at its queue limit shows here). ' +
      'Always 0 for UNS JSON and OPC UA, which carry no sequence numbers.',
  })
  lostMessages!: number;

  @Field(() => Boolean, {
    description:
      'True while the connection falls behind: what it received waits longer than a second to ' +
      "be stored, or the process's writer holds its maximum in memory. The source's queue " +
      '(the broker, the server) grows meanwhile and drops at its limit.',
  })
  fallingBehind!: boolean;

  @Field(() => DateTime, { description: 'When the owning process last reported.' })
  reportedAt!: Date;

  @Field(() => Boolean, {
    description: `True when the owning process has not reported for ${STALE_AFTER_MS / 1000} s.`,
  })
  stale!: boolean;

  @Field(() => Int, {
    nullable: true,
    description:
      'The integration configuration version the connection runs; null until its connector ' +
      'reports one.',
  })
  configVersion!: number | null;

  @Field(() => OpcuaServerLimits, {
    nullable: true,
    description:
      'OPC UA: the limits the server publishes, read on connecting; null for MQTT and until the ' +
      'connector has subscribed.',
  })
  serverLimits!: OpcuaServerLimits | null;

  @Field(() => OpcuaSubscriptionPlan, {
    nullable: true,
    description:
      "OPC UA: how the monitored items are spread over subscriptions within the server's limits.",
  })
  subscriptionPlan!: OpcuaSubscriptionPlan | null;

  @Field(() => ConnectionBackfill, {
    nullable: true,
    description:
      "OPC UA: the last history backfill, what the connector read from the server's history " +
      'after (re)connecting; null until one ran or when the connection has no backfill.',
  })
  lastBackfill!: ConnectionBackfill | null;

  static fromRow(row: ConnectionRow, now = Date.now()): Connection {
    return Object.assign(new Connection(), {
      id: row.id,
      kind: row.kind,
      endpoint: row.endpoint,
      state: row.state,
      since: row.since,
      lastError: row.last_error,
      messagesPerSecond: row.messages_per_second,
      items: row.items,
      lastMessageAt: row.last_message_at,
      spoolDepth: row.spool_depth,
      deadLetters: row.dead_letters,
      lostMessages: row.lost_messages,
      fallingBehind: row.falling_behind,
      reportedAt: row.reported_at,
      stale: isStale(row, now),
      configVersion: row.config_version,
      lastBackfill: row.last_backfill ? ConnectionBackfill.from(row.last_backfill) : null,
      serverLimits: row.server_limits ? OpcuaServerLimits.from(row.server_limits) : null,
      subscriptionPlan: row.subscription_plan
        ? OpcuaSubscriptionPlan.from(row.subscription_plan)
        : null,
    });
  }
}
