import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphContext } from '@plantgraph/graph';
import { listCharacteristics, requireCharacteristic } from './characteristic.loaders.ts';
import { Characteristic } from './characteristic.type.ts';

@Resolver(() => Characteristic)
export class CharacteristicResolver {
  @Query(() => Characteristic, {
    nullable: true,
    description: 'One characteristic by id; NOT_FOUND when unknown.',
  })
  characteristic(
    @Arg('id', () => ID) id: string,
    @Ctx() context: GraphContext,
  ): Promise<Characteristic> {
    return requireCharacteristic(context, id);
  }

  @Query(() => [Characteristic], { description: 'All characteristics by name.' })
  characteristics(@Ctx() context: GraphContext): Promise<Characteristic[]> {
    return listCharacteristics(context);
  }
}
