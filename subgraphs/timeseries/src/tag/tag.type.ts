import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The assets subgraph's tag, by key only; this subgraph adds its values. */
@Directive('@key(fields: "id")')
@ObjectType('Tag')
export class Tag {
  @Field(() => ID)
  id!: string;
}
