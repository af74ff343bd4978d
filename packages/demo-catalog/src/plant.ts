import { randomUUID } from 'node:crypto';
import {
  ENTERPRISE,
  EQUIPMENT_TYPES,
  tagsFor,
  type AreaSpec,
  type EquipmentSpec,
  type EquipmentType,
  type SiteSpec,
  type TagSpec,
} from './catalog.ts';
import { Random } from './random.ts';

export type AssetKind = 'ENTERPRISE' | 'SITE' | 'AREA' | 'LINE' | 'CELL' | 'EQUIPMENT';

export interface PlantAsset {
  id: string;
  parentId: string | null;
  kind: AssetKind;
  name: string;
  path: string;
  description: string | null;
}

export interface PlantTag {
  id: string;
  assetId: string;
  spec: TagSpec;
  source: string;
  /** Stable number of the tag; SQL derives the tag's noise from it. */
  seed: number;
  /** Where a wave or sawtooth starts, in minutes. */
  phase: number;
  /** A counter's reading at the start of the history. */
  counterStart: number;
}

export interface PlantEquipment {
  asset: PlantAsset;
  index: number;
  spec: EquipmentSpec;
  type: EquipmentType;
  site: SiteSpec;
  area: AreaSpec;
  tags: PlantTag[];
}

export interface Plant {
  assets: PlantAsset[];
  equipment: PlantEquipment[];
}

export interface PlantLayout {
  sites: SiteSpec[];
  /** Tag names every machine gets; all of its type's tags when unset. */
  tagNames?: readonly string[];
}

/** Builds the asset tree and tags from a layout, with fresh ids. */
export function buildPlant(layout: PlantLayout): Plant {
  const assets: PlantAsset[] = [];
  const equipment: PlantEquipment[] = [];
  const add = (kind: AssetKind, name: string, description: string | null, parent?: PlantAsset) => {
    const asset: PlantAsset = {
      id: randomUUID(),
      parentId: parent?.id ?? null,
      kind,
      name,
      path: parent ? `${parent.path}/${name}` : name,
      description,
    };
    assets.push(asset);
    return asset;
  };

  const enterprise = add('ENTERPRISE', ENTERPRISE.name, ENTERPRISE.description);
  for (const site of layout.sites) {
    const siteAsset = add('SITE', site.name, site.description, enterprise);
    for (const area of site.areas) {
      const areaAsset = add('AREA', area.name, area.description, siteAsset);
      for (const line of area.lines) {
        const lineAsset = add(
          'LINE',
          line.name,
          `${area.name} ${line.name.toLowerCase()}`,
          areaAsset,
        );
        const cells = new Map<string, PlantAsset>();
        for (const spec of line.equipment) {
          let parent = lineAsset;
          if (spec.cell) {
            parent = cells.get(spec.cell) ?? add('CELL', spec.cell, 'Work cell', lineAsset);
            cells.set(spec.cell, parent);
          }
          const type: EquipmentType = EQUIPMENT_TYPES[spec.type];
          const asset = add('EQUIPMENT', spec.name, type.description, parent);
          const index = equipment.length;
          const tags = tagsFor(type)
            .filter((tag) => !layout.tagNames || layout.tagNames.includes(tag.name))
            .map((tag, tagIndex) => plantTag(asset, tag, index * 100 + tagIndex));
          equipment.push({ asset, index, spec, type, site, area, tags });
        }
      }
    }
  }
  return { assets, equipment };
}

function plantTag(asset: PlantAsset, spec: TagSpec, seed: number): PlantTag {
  const random = Random.for('tag', seed);
  const period = 'period' in spec.signal ? spec.signal.period : 1;
  const nodePath = [...asset.path.split('/').slice(1), spec.name]
    .map((part) => part.replace(/\s+/g, ''))
    .join('.');
  return {
    id: randomUUID(),
    assetId: asset.id,
    spec,
    source: `ns=2;s=${nodePath}`,
    seed,
    phase: random.int(0, period - 1),
    counterStart: spec.decimals === 0 ? random.int(20_000, 2_000_000) : random.int(5_000, 900_000),
  };
}
