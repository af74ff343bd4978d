import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSET_KINDS, type AssetKind } from './asset-hierarchy.ts';
import { ASSET_PLACEMENT, placementProblem, placementTable } from './asset-placement.ts';

/** A Markdown table without its padding, as Prettier may lay it out either way. */
const unpadded = (table: string) =>
  table
    .trim()
    .split('\n')
    .map((line) => line.replace(/\s*\|\s*/g, '|').replace(/-{3,}/g, '---'));

describe('asset placement', () => {
  it('places every kind, each below a higher level only', () => {
    expect(Object.keys(ASSET_PLACEMENT)).toEqual([...ASSET_KINDS]);
    for (const [kind, parents] of Object.entries(ASSET_PLACEMENT)) {
      for (const parent of parents) {
        if (parent === null) continue;
        expect(ASSET_KINDS.indexOf(parent)).toBeLessThan(ASSET_KINDS.indexOf(kind as AssetKind));
      }
    }
  });

  it.each([
    ['ENTERPRISE', null],
    ['SITE', 'ENTERPRISE'],
    ['AREA', 'SITE'],
    ['LINE', 'AREA'],
    ['CELL', 'LINE'],
    ['EQUIPMENT', 'LINE'],
    ['EQUIPMENT', 'CELL'],
  ] as const)('lets %s sit under %s', (kind, parent) => {
    expect(placementProblem(kind, parent)).toBeUndefined();
  });

  it.each([
    ['LINE', 'SITE', 'a LINE belongs under an AREA, not under a SITE'],
    ['EQUIPMENT', 'AREA', 'an EQUIPMENT belongs under a LINE or under a CELL, not under an AREA'],
    ['SITE', null, 'a SITE belongs under an ENTERPRISE, not at the root'],
    ['ENTERPRISE', 'ENTERPRISE', 'an ENTERPRISE belongs at the root, not under an ENTERPRISE'],
  ] as const)('refuses %s under %s, saying where it belongs', (kind, parent, problem) => {
    expect(placementProblem(kind, parent)).toBe(problem);
  });

  it('is the table docs/data-model.md shows', () => {
    const document = readFileSync(new URL('../../../docs/data-model.md', import.meta.url), 'utf8');
    const section = /<!-- placement-rules:start -->([\s\S]*?)<!-- placement-rules:end -->/.exec(
      document,
    );
    expect(section).not.toBeNull();
    expect(unpadded(section![1]!)).toEqual(unpadded(placementTable()));
  });
});
