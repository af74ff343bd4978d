import { Field, ID, InputType } from 'type-graphql';
import { AssetKind } from './asset.type.ts';

@InputType({
  description:
    'A new asset, placed by its kind: SITE under an ENTERPRISE, AREA under a SITE, LINE under an AREA, CELL under a LINE, EQUIPMENT under a LINE or CELL, ENTERPRISE at the root.',
})
export class CreateAssetInput {
  @Field(() => ID, { nullable: true, description: 'The parent; null only for an ENTERPRISE.' })
  parentId?: string | null;

  @Field(() => AssetKind)
  kind!: AssetKind;

  @Field(() => String, {
    description:
      'Unique among its siblings; no "/", no surrounding spaces, 200 characters at most.',
  })
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType({
  description:
    'Changes to an asset; omitted fields keep their value. A new name or parent rewrites the path of the asset and of everything below it.',
})
export class UpdateAssetInput {
  @Field(() => String, { nullable: true, description: 'A new name; null is refused.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'A new description; null clears it.' })
  description?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'Moves the asset with its subtree under another parent of the right kind in the same site; null moves to the root (an ENTERPRISE only).',
  })
  parentId?: string | null;
}
