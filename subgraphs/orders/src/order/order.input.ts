import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

@InputType({ description: 'A new production order; it starts in status CREATED.' })
export class CreateProductionOrderInput {
  @Field(() => String, { description: 'Unique order number.' })
  number!: string;

  @Field(() => String, { nullable: true, description: 'Unique id in the planning system.' })
  externalId?: string | null;

  @Field(() => String)
  material!: string;

  @Field(() => Float, { description: 'Greater than 0.' })
  quantity!: number;

  @Field(() => String, { nullable: true, description: 'Default "pcs".' })
  unit?: string | null;

  @Field(() => Int, { nullable: true, description: 'Higher runs first; default 0.' })
  priority?: number | null;

  @Field(() => DateTime, { nullable: true })
  dueAt?: Date | null;

  @Field(() => ID)
  assetId!: string;
}

@InputType({
  description:
    'Changes to an order that has not gone to the machine yet (CREATED or RELEASED). ' +
    'Omitted fields keep their value; dueAt: null clears the due date, null elsewhere is refused.',
})
export class UpdateProductionOrderInput {
  @Field(() => String, { nullable: true })
  material?: string | null;

  @Field(() => Float, { nullable: true })
  quantity?: number | null;

  @Field(() => String, { nullable: true })
  unit?: string | null;

  @Field(() => Int, { nullable: true })
  priority?: number | null;

  @Field(() => DateTime, { nullable: true })
  dueAt?: Date | null;

  @Field(() => ID, { nullable: true })
  assetId?: string | null;
}
