import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { AssetRow } from '@plantgraph/assets-domain';
import { connectionTypes, DateTime } from '@plantgraph/graph';

/** ISA-95 equipment hierarchy levels, top down. */
export enum AssetKind {
  ENTERPRISE = 'ENTERPRISE',
  SITE = 'SITE',
  AREA = 'AREA',
  LINE = 'LINE',
  CELL = 'CELL',
  EQUIPMENT = 'EQUIPMENT',
}
registerEnumType(AssetKind, {
  name: 'AssetKind',
  description: 'ISA-95 equipment hierarchy level.',
});

@Directive('@key(fields: "id")')
@ObjectType({
  description: 'A node of the ISA-95 hierarchy: enterprise, site, area, line, cell or equipment.',
})
export class Asset {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, {
    description:
      'Names from the enterprise down, joined by "/", e.g. "Acme Manufacturing/Dresden/Body Shop/Line 1".',
  })
  path!: string;

  @Field(() => AssetKind)
  kind!: AssetKind;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => DateTime, {
    nullable: true,
    description:
      'When the asset was retired (retireAsset); null while it is active. Retired assets keep their history and leave lists unless asked for with includeRetired.',
  })
  retiredAt!: Date | null;

  parentId!: string | null;

  static fromRow(row: AssetRow): Asset {
    return Object.assign(new Asset(), {
      id: row.id,
      name: row.name,
      path: row.path,
      kind: row.kind as AssetKind,
      description: row.description,
      retiredAt: row.retired_at,
      parentId: row.parent_id,
    });
  }
}

export const AssetConnection = connectionTypes(Asset, 'Asset', { withTotalCount: true });
