import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig, port } from './load-config.ts';

describe('loadConfig', () => {
  it('applies defaults and coerces values', () => {
    const config = loadConfig(
      { PORT: port(4000), NAME: z.string().default('x') },
      { PORT: '4100' },
    );
    expect(config).toEqual({ PORT: 4100, NAME: 'x' });
  });

  it('names every invalid variable at once', () => {
    const load = () =>
      loadConfig(
        { PORT: port(4000), LEVEL: z.enum(['info', 'debug']) },
        { PORT: 'abc', LEVEL: 'x' },
      );
    expect(load).toThrow(ConfigError);
    try {
      load();
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/LEVEL/);
    }
  });
});
