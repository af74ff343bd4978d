import { ArgsType, Field, ID, Int } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';
import { UpdateProductionOrderInput } from './order.input.ts';
import { ProductionOrderStatus } from './order.type.ts';

@ArgsType()
export class ProductionOrdersArgs {
  @Field(() => ProductionOrderStatus, { nullable: true })
  status?: ProductionOrderStatus | null;

  @Field(() => ID, { nullable: true, description: 'Only orders for this asset.' })
  assetId?: string | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 1000; default 50.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;
}

@ArgsType()
export class UpdateProductionOrderArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => UpdateProductionOrderInput)
  input!: UpdateProductionOrderInput;
}

@ArgsType()
export class CancelProductionOrderArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'Recorded in the status history.' })
  reason?: string | null;
}

@ArgsType()
export class OrderStatusChangedArgs {
  @Field(() => [ID], { nullable: true, description: 'Only these orders; 1 to 1000 ids.' })
  orderIds?: string[] | null;

  @Field(() => [ID], {
    nullable: true,
    description: 'Only orders on these assets or below them (a line covers its equipment).',
  })
  assetIds?: string[] | null;
}

@ArgsType()
export class OrderIdArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'Recorded in the status history.' })
  reason?: string | null;
}

@ArgsType()
export class DownloadOrderArgs {
  @Field(() => ID, { description: 'A RELEASED order.' })
  orderId!: string;

  @Field(() => ID, {
    description:
      "The machine: the order's asset or equipment below it, with a download mapping and " +
      'no other order downloading, downloaded or running.',
  })
  equipmentId!: string;

  @Field(() => DateTime, {
    nullable: true,
    description: 'Not sent after this time; the order then goes to DOWNLOAD_FAILED.',
  })
  expiresAt?: Date | null;
}
