import { describe, expect, it } from 'vitest';
import { createContext, NotFoundError, sitePaths } from '@plantgraph/graph';
import { openTestDatabase } from '@plantgraph/testing';
import { requireTagIds } from './tag.service.ts';

const VIEWER = { subject: 'bi', role: 'viewer', sites: null } as const;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('requireTagIds', () => {
  it('reports an unknown tag as NOT_FOUND, and a failed lookup as the failure it is', async () => {
    const database = await openTestDatabase();
    const context = createContext(database.services, VIEWER);
    await expect(requireTagIds(context, [UNKNOWN], 'tagIds')).rejects.toBeInstanceOf(NotFoundError);

    const afterOutage = createContext(database.services, VIEWER);
    await database.close();
    const failure = await requireTagIds(afterOutage, [UNKNOWN], 'tagIds').catch((error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(NotFoundError);
  });
});

describe('sitePaths', () => {
  it('leaves out a site that does not exist, and fails when the lookup fails', async () => {
    const database = await openTestDatabase();
    const scoped = { ...VIEWER, sites: [UNKNOWN] };
    expect(await sitePaths(createContext(database.services, scoped))).toEqual([]);

    // Not an empty scope, which would quietly show the caller nothing.
    const afterOutage = createContext(database.services, scoped);
    await database.close();
    await expect(sitePaths(afterOutage)).rejects.toBeInstanceOf(Error);
  });
});
