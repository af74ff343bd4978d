import { describe, expect, it } from 'vitest';
import { ancestorPaths, isWithin, subtreePattern, type AssetPath } from './asset-path.ts';
import { siteRoots, siteScopeCondition, withinSites } from './site-scope.ts';

const DRESDEN: AssetPath = { id: '11111111-1111-4111-8111-111111111111', path: 'Acme/Dresden' };
const UNKNOWN = '22222222-2222-4222-8222-222222222222';

/** A lookup that knows Dresden and records what it was asked. */
function lookUp(asked: string[][] = []) {
  return async (ids: readonly string[]) => {
    asked.push([...ids]);
    return ids.map((id) => (id === DRESDEN.id ? DRESDEN : null));
  };
}

describe('site scope', () => {
  it('lets callers without sites see every site, without a lookup', async () => {
    const asked: string[][] = [];
    expect(await siteRoots(null, lookUp(asked))).toBeUndefined();
    expect(asked).toEqual([]);
    expect(withinSites('Acme/Berlin', undefined)).toBe(true);
  });

  it('grants nothing for what is no asset id or no known asset', async () => {
    const asked: string[][] = [];
    expect(await siteRoots(['not-an-id', UNKNOWN, DRESDEN.id], lookUp(asked))).toEqual([
      DRESDEN.path,
    ]);
    expect(asked).toEqual([[UNKNOWN, DRESDEN.id]]);
    expect(await siteRoots(['not-an-id'], lookUp())).toEqual([]);
    expect(withinSites('Acme/Dresden', [])).toBe(false);
  });

  it('covers a site and its subtree, not a sibling sharing a prefix', () => {
    const roots = [DRESDEN.path];
    expect(withinSites('Acme/Dresden', roots)).toBe(true);
    expect(withinSites('Acme/Dresden/Body Shop/Line 1', roots)).toBe(true);
    expect(withinSites('Acme/Dresden North', roots)).toBe(false);
    expect(isWithin('Acme', 'Acme/Dresden')).toBe(false);
  });

  it('puts the same rule into SQL with parameters numbered from `at`', () => {
    expect(siteScopeCondition('a.path', 3, undefined)).toEqual(['true', []]);
    expect(siteScopeCondition('a.path', 3, ['Line_1', '50%'])).toEqual([
      '(a.path = any($3::text[]) or a.path like any($4::text[]))',
      [
        ['Line_1', '50%'],
        ['Line\\_1/%', '50\\%/%'],
      ],
    ]);
  });
});

describe('asset paths', () => {
  it('escapes LIKE wildcards in subtree patterns', () => {
    expect(subtreePattern('A\\B_C%')).toBe('A\\\\B\\_C\\%/%');
  });

  it('lists the ancestors of a path, the enterprise first', () => {
    expect(ancestorPaths('Acme/Dresden/Body Shop')).toEqual(['Acme', 'Acme/Dresden']);
    expect(ancestorPaths('Acme')).toEqual([]);
  });
});
