import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * The assets subgraph's tag, by key only; this subgraph adds its values. `assetId` is set where
 * the caller's site scope needs it (see withOwner), never a field of this subgraph.
 */
@Directive('@key(fields: "id")')
@ObjectType('Tag')
export class Tag {
  @Field(() => ID)
  id!: string;

  assetId?: string;
}
