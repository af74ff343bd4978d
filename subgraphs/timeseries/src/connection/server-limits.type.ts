import { Field, Int, ObjectType } from 'type-graphql';
import type { ServerLimits, SubscriptionPlan } from '@plantgraph/timeseries-domain';

@ObjectType({
  description:
    'The limits an OPC UA server publishes in its ServerCapabilities and OperationLimits ' +
    '(OPC UA Part 5). Null: the server does not publish the limit, or publishes 0 (no limit).',
})
export class OpcuaServerLimits {
  @Field(() => Int, { nullable: true, description: 'Subscriptions one session may hold.' })
  maxSubscriptionsPerSession!: number | null;

  @Field(() => Int, { nullable: true, description: 'Monitored items the whole server takes.' })
  maxMonitoredItems!: number | null;

  @Field(() => Int, { nullable: true, description: 'Monitored items one subscription takes.' })
  maxMonitoredItemsPerSubscription!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Monitored items one CreateMonitoredItems call may create.',
  })
  maxMonitoredItemsPerCall!: number | null;

  @Field(() => Int, { nullable: true, description: 'Nodes one Read call may read.' })
  maxNodesPerRead!: number | null;

  @Field(() => Int, { nullable: true, description: 'Nodes one Browse call may browse.' })
  maxNodesPerBrowse!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Browse paths one TranslateBrowsePathsToNodeIds call may translate.',
  })
  maxNodesPerTranslateBrowsePathsToNodeIds!: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Nodes one HistoryRead call may read raw values of (the history backfill reads in calls ' +
      'of at most this many).',
  })
  maxNodesPerHistoryReadData!: number | null;

  static from(limits: ServerLimits): OpcuaServerLimits {
    return Object.assign(new OpcuaServerLimits(), limits);
  }
}

@ObjectType({
  description:
    "How an OPC UA connection's monitored items are spread over subscriptions and calls within " +
    "the server's limits.",
})
export class OpcuaSubscriptionPlan {
  @Field(() => Int, { description: 'Subscriptions the connector holds on its session.' })
  subscriptions!: number;

  @Field(() => Int, { description: 'The most monitored items one subscription holds.' })
  itemsPerSubscription!: number;

  @Field(() => Int, { description: 'Monitored items created per CreateMonitoredItems call.' })
  itemsPerCall!: number;

  @Field(() => Int, { description: 'Monitored items planned.' })
  items!: number;

  @Field(() => Int, {
    description:
      "Sources the server's limits leave no room for; each is a dead letter " +
      '(BadTooManyMonitoredItems).',
  })
  unplanned!: number;

  @Field(() => Int, {
    description:
      'Times the server refused a plan within its published limits (BadTooManySubscriptions, ' +
      'BadTooManyMonitoredItems, BadTooManyOperations) and it was made again with lower limits.',
  })
  replans!: number;

  static from(plan: SubscriptionPlan): OpcuaSubscriptionPlan {
    return Object.assign(new OpcuaSubscriptionPlan(), plan);
  }
}
