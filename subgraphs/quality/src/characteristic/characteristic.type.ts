import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import type { CharacteristicRow } from '@plantgraph/quality-domain';

/** A measured quality feature and its specification limits. */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A measured quality feature with its specification limits.' })
export class Characteristic {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  unit!: string | null;

  @Field(() => Float, { nullable: true, description: 'Lower specification limit; null: none.' })
  lsl!: number | null;

  @Field(() => Float, { nullable: true })
  target!: number | null;

  @Field(() => Float, { nullable: true, description: 'Upper specification limit; null: none.' })
  usl!: number | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  static fromRow(row: CharacteristicRow): Characteristic {
    return Object.assign(new Characteristic(), row);
  }
}
