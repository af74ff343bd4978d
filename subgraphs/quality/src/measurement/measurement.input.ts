import { Field, Float, ID, InputType } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

@InputType({ description: 'A measured value; inSpec is judged against the limits in force now.' })
export class RecordMeasurementInput {
  @Field(() => ID)
  characteristicId!: string;

  @Field(() => ID)
  assetId!: string;

  @Field(() => ID, { nullable: true })
  orderId?: string | null;

  @Field(() => Float)
  value!: number;

  @Field(() => DateTime, { nullable: true, description: 'When it was measured; default now.' })
  time?: Date | null;
}
