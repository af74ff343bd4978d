import type { AssetKind } from './asset-hierarchy.ts';

/**
 * Where each kind of asset may sit in the ISA-95 equipment hierarchy (IEC 62264-1, the role-based
 * equipment hierarchy): the kinds its parent may have, `null` standing for the root. The one
 * table the asset writes check and docs/data-model.md prints (`placementTable`, kept equal to the
 * document by a test).
 */
export const ASSET_PLACEMENT: Readonly<Record<AssetKind, readonly (AssetKind | null)[]>> = {
  ENTERPRISE: [null],
  SITE: ['ENTERPRISE'],
  AREA: ['SITE'],
  LINE: ['AREA'],
  CELL: ['LINE'],
  EQUIPMENT: ['LINE', 'CELL'],
};

/** How a kind names itself in a sentence: "a LINE", "an AREA". */
const article = (kind: AssetKind) => (/^[AEIOU]/.test(kind) ? `an ${kind}` : `a ${kind}`);

function allowedParents(kind: AssetKind): string {
  return ASSET_PLACEMENT[kind]
    .map((parent) => (parent === null ? 'at the root' : `under ${article(parent)}`))
    .join(' or ');
}

/**
 * Why an asset of `kind` may not sit under a parent of `parentKind` (null: at the root), or
 * undefined when it may.
 */
export function placementProblem(
  kind: AssetKind,
  parentKind: AssetKind | null,
): string | undefined {
  if (ASSET_PLACEMENT[kind].includes(parentKind)) return undefined;
  const actual = parentKind === null ? 'at the root' : `under ${article(parentKind)}`;
  return `${article(kind)} belongs ${allowedParents(kind)}, not ${actual}`;
}

/** The placement rules as the Markdown table of docs/data-model.md. */
export function placementTable(): string {
  const rows = Object.entries(ASSET_PLACEMENT).map(([kind, parents]) => {
    const names = parents.map((parent) => (parent === null ? 'none (a root)' : `\`${parent}\``));
    return `| \`${kind}\` | ${names.join(', ')} |`;
  });
  return ['| kind | parent |', '| --- | --- |', ...rows].join('\n');
}
