import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The assets subgraph's entity, by key only; this subgraph adds its alarms. */
@Directive('@key(fields: "id")')
@ObjectType('Asset')
export class Asset {
  @Field(() => ID)
  id!: string;
}
