import type { TagRecord } from '@plantgraph/assets-domain';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

export enum TagDataType {
  FLOAT = 'FLOAT',
  INTEGER = 'INTEGER',
  BOOLEAN = 'BOOLEAN',
  STRING = 'STRING',
  JSON = 'JSON',
}
registerEnumType(TagDataType, {
  name: 'TagDataType',
  valuesConfig: {
    JSON: {
      description:
        'A whole OPC UA array or structure; its samples hold it as JSON text (`text`), parsed in `json`.',
    },
  },
});

export type TagRow = TagRecord<TagDataType>;

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A signal of an asset: a sensor value, a setpoint, a status bit.' })
export class Tag {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => TagDataType)
  dataType!: TagDataType;

  @Field(() => String, { nullable: true })
  unit!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Where the value comes from: OPC UA node id, MQTT topic or Sparkplug metric.',
  })
  source!: string | null;

  @Field(() => DateTime, {
    nullable: true,
    description:
      'When the tag was retired (retireTag, or retireAsset of its asset); null while it is active. Retired tags keep their history and leave Asset.tags unless asked for with includeRetired.',
  })
  retiredAt!: Date | null;

  assetId!: string;

  static fromRow(row: TagRow): Tag {
    return Object.assign(new Tag(), {
      id: row.id,
      name: row.name,
      dataType: row.data_type,
      unit: row.unit,
      description: row.description,
      source: row.source,
      retiredAt: row.retired_at,
      assetId: row.asset_id,
    });
  }
}
