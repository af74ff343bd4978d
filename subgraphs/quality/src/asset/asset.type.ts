import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The assets subgraph's Asset, by key only; this subgraph adds its measurements. */
@Directive('@key(fields: "id")')
@ObjectType('Asset')
export class Asset {
  @Field(() => ID)
  id!: string;
}
