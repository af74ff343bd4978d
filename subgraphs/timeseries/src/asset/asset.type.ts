import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The assets subgraph's entity, by key only; this subgraph adds its machine state. */
@Directive('@key(fields: "id")')
@ObjectType('Asset')
export class Asset {
  @Field(() => ID)
  id!: string;
}
