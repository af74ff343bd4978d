import { describe, expect, it } from 'vitest';
import { parseIdentity, scopeOf } from './identity.ts';
import {
  includesRole,
  isRole,
  MUTATION_ROLES,
  requiredRole,
  ROLES,
  SUBSCRIPTION_ROLE,
  type Role,
} from './roles.ts';

describe('roles', () => {
  it('each include the ones before them and none after', () => {
    for (const [index, role] of ROLES.entries()) {
      for (const [other, required] of ROLES.entries()) {
        expect(includesRole(role, required)).toBe(index >= other);
      }
    }
  });

  it('need viewer for queries and for subscriptions', () => {
    expect(requiredRole('query')).toBe('viewer');
    expect(requiredRole('subscription')).toBe('viewer');
    expect(ROLES.every((role) => includesRole(role, SUBSCRIPTION_ROLE))).toBe(true);
  });

  it('let nothing but a role subscribe', () => {
    for (const value of ['', 'anonymous', 'superuser', 'Viewer']) {
      expect(includesRole(value as Role, SUBSCRIPTION_ROLE)).toBe(false);
    }
  });

  it('give each mutation its least role, and admin to any not listed', () => {
    expect(MUTATION_ROLES).toEqual({
      acknowledgeAlarm: 'operator',
      recordMeasurement: 'operator',
      createProductionOrder: 'integrator',
      createProductionOrders: 'integrator',
      updateProductionOrder: 'integrator',
      releaseOrder: 'integrator',
      downloadOrder: 'integrator',
      abortOrder: 'integrator',
      completeOrder: 'integrator',
      cancelProductionOrder: 'integrator',
      replayDeadLetters: 'engineer',
      createAsset: 'engineer',
      updateAsset: 'engineer',
      retireAsset: 'engineer',
      createTag: 'engineer',
      updateTag: 'engineer',
      retireTag: 'engineer',
      applyIntegrationConfig: 'engineer',
      rollbackIntegrationConfig: 'engineer',
    });
    for (const [field, role] of Object.entries(MUTATION_ROLES)) {
      expect(requiredRole('mutation', field)).toBe(role);
    }
    expect(requiredRole('mutation', 'dropEverything')).toBe('admin');
    expect(requiredRole('mutation')).toBe('admin');
  });

  // MUTATION_ROLES is a plain object: a lookup that is not its own would find Object.prototype's
  // members (functions) as "roles" that includesRole ranks below viewer.
  it('need admin for mutations named like Object.prototype members', () => {
    for (const field of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(requiredRole('mutation', field)).toBe('admin');
      expect(includesRole('viewer', requiredRole('mutation', field))).toBe(false);
    }
  });

  it('are only the five names', () => {
    expect(ROLES.every(isRole)).toBe(true);
    for (const value of ['Admin', 'root', '', null, undefined, 1, ['admin']]) {
      expect(isRole(value)).toBe(false);
    }
  });
});

describe('identities', () => {
  it('share a scope when role and sites match, in any order', () => {
    expect(scopeOf({ subject: 'a', role: 'operator', sites: ['y', 'x'] })).toBe(
      scopeOf({ subject: 'b', role: 'operator', sites: ['x', 'y'] }),
    );
    expect(scopeOf({ subject: 'a', role: 'operator', sites: null })).not.toBe(
      scopeOf({ subject: 'a', role: 'operator', sites: [] }),
    );
    expect(scopeOf({ subject: 'a', role: 'viewer', sites: null })).not.toBe(
      scopeOf({ subject: 'a', role: 'operator', sites: null }),
    );
  });

  it('are read from JSON only when whole', () => {
    expect(parseIdentity({ subject: 's', role: 'viewer', sites: null })).toEqual({
      subject: 's',
      role: 'viewer',
      sites: null,
    });
    expect(parseIdentity({ subject: 's', role: 'viewer', sites: ['a'], extra: 1 })).toEqual({
      subject: 's',
      role: 'viewer',
      sites: ['a'],
    });
    for (const value of [
      null,
      'admin',
      { subject: 's', role: 'viewer' },
      { subject: '', role: 'viewer', sites: null },
      { subject: 's', role: 'god', sites: null },
      { subject: 's', role: 'viewer', sites: 'a' },
      { subject: 's', role: 'viewer', sites: [1] },
    ]) {
      expect(parseIdentity(value)).toBeUndefined();
    }
  });
});
