import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The orders subgraph's ProductionOrder, by key only; this subgraph adds its measurements. */
@Directive('@key(fields: "id")')
@ObjectType('ProductionOrder')
export class ProductionOrder {
  @Field(() => ID)
  id!: string;
}
