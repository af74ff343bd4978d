import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

@InputType({ description: 'A setpoint for the machine, checked against its limits at download.' })
export class OrderParameterInput {
  @Field(() => String)
  name!: string;

  @Field(() => Float)
  value!: number;

  @Field(() => String, { nullable: true })
  unit?: string | null;
}

@InputType({ description: 'A new production order; it starts in status CREATED.' })
export class CreateProductionOrderInput {
  @Field(() => String, { description: 'Order number, unique within the site of the asset.' })
  number!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Unique id in the planning system. Sending the same order again returns it unchanged; ' +
      'the same id with different data is CONFLICT.',
  })
  externalId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Makes retries safe: a repeated key returns the order created first; the same key with ' +
      'a different payload is CONFLICT.',
  })
  idempotencyKey?: string | null;

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

  @Field(() => DateTime, { nullable: true })
  plannedStart?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Not before plannedStart.' })
  plannedEnd?: Date | null;

  @Field(() => ID, { description: 'The line or equipment the order is planned for.' })
  assetId!: string;

  @Field(() => [OrderParameterInput], {
    nullable: true,
    description: 'Setpoints for the machine; names unique.',
  })
  parameters?: OrderParameterInput[] | null;
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
