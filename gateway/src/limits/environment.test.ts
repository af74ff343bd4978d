import { ConfigError, loadConfig } from '@plantgraph/config';
import { describe, expect, it } from 'vitest';
import { limitsEnvironment, limitsFromEnvironment } from './environment.ts';
import { DEFAULT_LIMITS } from './limits.ts';

const fromEnvironment = (env: NodeJS.ProcessEnv) =>
  limitsFromEnvironment(loadConfig(limitsEnvironment, env));

describe('limitsFromEnvironment', () => {
  it('defaults to development: Sandbox, introspection, the default limits', () => {
    expect(fromEnvironment({})).toEqual({
      explorer: 'sandbox',
      introspection: true,
      limits: DEFAULT_LIMITS,
    });
  });

  it('turns the explorer and introspection off in production unless asked for', () => {
    for (const env of [{ NODE_ENV: 'production' }, { PLANTGRAPH_MODE: 'production' }]) {
      expect(fromEnvironment(env)).toMatchObject({ explorer: 'off', introspection: false });
    }
    expect(
      fromEnvironment({ NODE_ENV: 'production', PLANTGRAPH_INTROSPECTION: 'true' }),
    ).toMatchObject({ explorer: 'off', introspection: true });
    expect(
      fromEnvironment({ NODE_ENV: 'production', PLANTGRAPH_MODE: 'development' }),
    ).toMatchObject({ explorer: 'sandbox' });
  });

  it('serves the explorer PLANTGRAPH_EXPLORER names, in either mode', () => {
    for (const explorer of ['sandbox', 'local', 'off']) {
      for (const mode of ['development', 'production']) {
        expect(
          fromEnvironment({ PLANTGRAPH_MODE: mode, PLANTGRAPH_EXPLORER: explorer }),
        ).toMatchObject({ explorer, introspection: explorer !== 'off' });
      }
    }
    expect(
      fromEnvironment({ PLANTGRAPH_EXPLORER: 'local', PLANTGRAPH_INTROSPECTION: 'false' }),
    ).toMatchObject({ explorer: 'local', introspection: false });
    expect(fromEnvironment({ PLANTGRAPH_EXPLORER: '' })).toMatchObject({ explorer: 'sandbox' });
  });

  it('reads PLANTGRAPH_SANDBOX as the explorer on or off: GraphiQL served locally in production', () => {
    expect(fromEnvironment({ PLANTGRAPH_SANDBOX: 'true' })).toMatchObject({ explorer: 'sandbox' });
    expect(fromEnvironment({ PLANTGRAPH_SANDBOX: 'false' })).toMatchObject({
      explorer: 'off',
      introspection: false,
    });
    expect(fromEnvironment({ NODE_ENV: 'production', PLANTGRAPH_SANDBOX: 'true' })).toMatchObject({
      explorer: 'local',
      introspection: true,
    });
    expect(
      fromEnvironment({ PLANTGRAPH_SANDBOX: 'true', PLANTGRAPH_EXPLORER: 'local' }),
    ).toMatchObject({ explorer: 'local' });
    expect(
      fromEnvironment({ PLANTGRAPH_SANDBOX: 'false', PLANTGRAPH_EXPLORER: 'off' }),
    ).toMatchObject({ explorer: 'off' });
  });

  it('refuses PLANTGRAPH_EXPLORER and PLANTGRAPH_SANDBOX that contradict each other', () => {
    expect(() =>
      fromEnvironment({ PLANTGRAPH_EXPLORER: 'local', PLANTGRAPH_SANDBOX: 'false' }),
    ).toThrow(/PLANTGRAPH_EXPLORER: local contradicts PLANTGRAPH_SANDBOX=false/);
    expect(() =>
      fromEnvironment({ PLANTGRAPH_EXPLORER: 'off', PLANTGRAPH_SANDBOX: 'true' }),
    ).toThrow(ConfigError);
  });

  it('reads the limits', () => {
    const { limits } = fromEnvironment({
      PLANTGRAPH_MAX_DEPTH: '8',
      PLANTGRAPH_MAX_COST: '5000',
      PLANTGRAPH_MAX_BODY_SIZE: '256kb',
      PLANTGRAPH_RATE_LIMIT: '0',
      PLANTGRAPH_RATE_LIMIT_BURST: '10',
      PLANTGRAPH_MAX_SUBSCRIPTIONS_PER_CALLER: '20',
    });
    expect(limits).toMatchObject({
      maxDepth: 8,
      maxCost: 5000,
      maxBodyBytes: 262_144,
      rateLimit: { perMinute: 0, burst: 10 },
      maxSubscriptionsPerCaller: 20,
    });
  });

  it('reads the failed-authentication limit, trusted proxies, Redis and the revocation check', () => {
    const { limits } = fromEnvironment({
      PLANTGRAPH_FAILED_AUTH_LIMIT: '100',
      PLANTGRAPH_FAILED_AUTH_BURST: '20',
      PLANTGRAPH_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.10,fd00::/8',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PLANTGRAPH_REVOCATION_CHECK_MS: '1000',
    });
    expect(limits).toMatchObject({
      failedAuthenticationLimit: { perMinute: 100, burst: 20 },
      trustedProxies: ['10.0.0.0/8', '192.168.1.10', 'fd00::/8'],
      redisUrl: 'redis://127.0.0.1:6379',
      revocationCheckMs: 1000,
    });
  });

  it('names a bad trusted proxy, Redis URL and revocation interval', () => {
    const load = () =>
      loadConfig(limitsEnvironment, {
        PLANTGRAPH_TRUSTED_PROXIES: '10.0.0.0/8,proxy.local',
        REDIS_URL: 'localhost:6379',
        PLANTGRAPH_REVOCATION_CHECK_MS: '60000',
      });
    expect(load).toThrow(
      /PLANTGRAPH_TRUSTED_PROXIES: "proxy.local" is not an IP address or CIDR network/,
    );
    expect(load).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(load).toThrow(/PLANTGRAPH_REVOCATION_CHECK_MS/);
  });

  it('names every bad variable', () => {
    const load = () =>
      loadConfig(limitsEnvironment, {
        PLANTGRAPH_MAX_BODY_SIZE: 'huge',
        PLANTGRAPH_MAX_DEPTH: '0',
        PLANTGRAPH_SANDBOX: 'yes',
        PLANTGRAPH_EXPLORER: 'graphiql',
      });
    expect(load).toThrow(/PLANTGRAPH_MAX_BODY_SIZE: must be a size/);
    expect(load).toThrow(/PLANTGRAPH_MAX_DEPTH/);
    expect(load).toThrow(/PLANTGRAPH_SANDBOX/);
    expect(load).toThrow(/PLANTGRAPH_EXPLORER: must be sandbox, local or off/);
  });
});
