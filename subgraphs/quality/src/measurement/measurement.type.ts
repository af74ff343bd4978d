import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import { connectionTypes, DateTime } from '@plantgraph/graph';
import type { MeasurementRow } from '@plantgraph/quality-domain';
import { Asset } from '../asset/asset.type.ts';
import { ProductionOrder } from '../order/order.type.ts';

/** One measured value of a characteristic, judged against its limits when it was recorded. */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'One measured value of a characteristic on an asset.' })
export class Measurement {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTime)
  time!: Date;

  @Field(() => Float)
  value!: number;

  @Field(() => Boolean, {
    description: 'Within the limits in force when recorded; later limit changes do not alter it.',
  })
  inSpec!: boolean;

  @Field(() => Asset)
  asset!: Asset;

  @Field(() => ProductionOrder, { nullable: true, description: 'The order it was measured for.' })
  order!: ProductionOrder | null;

  characteristicId!: string;

  /** The asset it was measured on (for site scope). */
  assetId!: string;

  static fromRow(row: MeasurementRow): Measurement {
    return Object.assign(new Measurement(), {
      id: row.id,
      time: row.time,
      value: row.value,
      inSpec: row.in_spec,
      asset: Object.assign(new Asset(), { id: row.asset_id }),
      order: row.order_id ? Object.assign(new ProductionOrder(), { id: row.order_id }) : null,
      characteristicId: row.characteristic_id,
      assetId: row.asset_id,
    });
  }
}

/** Shared by Asset.measurements and ProductionOrder.measurements. */
export const MeasurementConnection = connectionTypes(Measurement, 'Measurement');
