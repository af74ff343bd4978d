import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { Asset } from '../asset/asset.type.ts';
import { AcknowledgeAlarmArgs, AlarmChangedArgs, AlarmsArgs } from './alarm.args.ts';
import { acknowledge } from './alarm.commands.ts';
import { alarmPage, requireAlarm, sourceAcknowledgementByAlarmId } from './alarm.loaders.ts';
import { alarmTransitions } from './alarm.stream.ts';
import { Alarm, AlarmConnection, AlarmTransition } from './alarm.type.ts';
import { SourceAcknowledgement } from './source-acknowledgement.type.ts';

@Resolver(() => Alarm)
export class AlarmResolver {
  @Query(() => Alarm, { nullable: true, description: 'One alarm by id; NOT_FOUND when unknown.' })
  alarm(@Arg('id', () => ID) id: string, @Ctx() context: GraphContext): Promise<Alarm> {
    return requireAlarm(context, id);
  }

  @Query(() => AlarmConnection, {
    description: 'Alarms, newest raisedAt first. Filters combine; `from`/`to` bound raisedAt.',
  })
  alarms(@Args(() => AlarmsArgs) args: AlarmsArgs, @Ctx() context: GraphContext) {
    return alarmPage(context, args);
  }

  @Mutation(() => Alarm, {
    description:
      'Acknowledges an alarm as the caller; CONFLICT when it is already acknowledged, ' +
      'NOT_FOUND when unknown.',
  })
  acknowledgeAlarm(
    @Args(() => AcknowledgeAlarmArgs) args: AcknowledgeAlarmArgs,
    @Ctx() context: GraphContext,
  ): Promise<Alarm> {
    return acknowledge(context, args.id, args.comment ?? null);
  }

  @Subscription(() => AlarmTransition, {
    description:
      'Alarms raised and cleared, as they happen. Filters combine; an unknown `under` is ' +
      'NOT_FOUND; without an event bus, SERVICE_UNAVAILABLE.',
    subscribe: ({ args, context }) =>
      alarmTransitions(context as GraphContext, args as AlarmChangedArgs),
  })
  alarmChanged(
    @Root() transition: AlarmTransition,
    // Declared for the schema; `subscribe` reads and checks them.
    @Args(() => AlarmChangedArgs) _args: AlarmChangedArgs,
  ): AlarmTransition {
    return transition;
  }

  @FieldResolver(() => Asset)
  asset(@Root() alarm: Alarm): Asset {
    return Object.assign(new Asset(), { id: alarm.assetId });
  }

  @FieldResolver(() => SourceAcknowledgement, {
    nullable: true,
    description:
      'The answer of the source (an OPC UA server) to the newest acknowledgement carried to ' +
      'it; null when the alarm has no source that takes acknowledgements or none was carried ' +
      'yet. It comes after acknowledgeAlarm answers: the connectors carry it asynchronously.',
  })
  sourceAcknowledgement(
    @Root() alarm: Alarm,
    @Ctx() context: GraphContext,
  ): Promise<SourceAcknowledgement | null> {
    return loader(context, sourceAcknowledgementByAlarmId).load(alarm.id);
  }
}
