import { isRole, type Role } from './roles.ts';

/**
 * Who is calling, as the gateway established it and the subgraphs receive it: a subject (user,
 * service or API key), a role, and the sites the caller may see (null: every site).
 */
export interface Identity {
  subject: string;
  role: Role;
  /** Site asset ids; null means unrestricted. */
  sites: string[] | null;
}

/** A stable text of what an identity may see, for sharing work between callers who see alike. */
export function scopeOf(identity: Identity): string {
  return `${identity.role}:${identity.sites ? [...identity.sites].sort().join(',') : '*'}`;
}

/** Reads an identity from untrusted JSON; undefined when it is not one. */
export function parseIdentity(value: unknown): Identity | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { subject, role, sites } = value as Record<string, unknown>;
  if (typeof subject !== 'string' || subject === '' || !isRole(role)) return undefined;
  if (
    sites !== null &&
    !(Array.isArray(sites) && sites.every((site) => typeof site === 'string'))
  ) {
    return undefined;
  }
  return { subject, role, sites: sites as string[] | null };
}
