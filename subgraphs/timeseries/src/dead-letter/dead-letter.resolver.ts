import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphContext } from '@plantgraph/graph';
import { DeadLettersArgs } from './dead-letter.args.ts';
import { listDeadLetters, requestReplay } from './dead-letter.service.ts';
import { DeadLetter, DeadLetterConnection } from './dead-letter.type.ts';

@Resolver(() => DeadLetter)
export class DeadLetterResolver {
  @Query(() => DeadLetterConnection, {
    description: 'Messages that could not be mapped, newest first.',
  })
  deadLetters(@Args(() => DeadLettersArgs) args: DeadLettersArgs, @Ctx() context: GraphContext) {
    return listDeadLetters(context, args);
  }

  @Mutation(() => [DeadLetter], {
    description:
      'Queues dead letters for another mapping attempt (after a mapping fix); the owning connector ' +
      'sets replayedAt when they map, or replayError when they still fail.',
  })
  replayDeadLetters(
    @Arg('ids', () => [ID]) ids: string[],
    @Ctx() context: GraphContext,
  ): Promise<DeadLetter[]> {
    return requestReplay(context, ids);
  }
}
