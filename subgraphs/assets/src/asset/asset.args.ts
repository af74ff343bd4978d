import { ArgsType, Field, ID, Int } from 'type-graphql';
import { AssetKind } from './asset.type.ts';

@ArgsType()
export class AssetsArgs {
  @Field(() => AssetKind, { nullable: true })
  kind?: AssetKind | null;

  @Field(() => ID, {
    nullable: true,
    description: 'An asset id: that asset and everything below it.',
  })
  under?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Whether retired assets are listed too.',
  })
  includeRetired?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 1000; default 50.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;
}
