import { describe, expect, it } from 'vitest';
import { capabilityIndices } from './capability.ts';

describe('capabilityIndices', () => {
  it('computes both indices for a two-sided specification', () => {
    // LSL 8, USL 20, mean 16, sigma 2: (20 − 8) / 12 = 1; min(4, 8) / 6 = 2/3.
    const indices = capabilityIndices({ lsl: 8, usl: 20 }, 16, 2);
    expect(indices.spread).toBeCloseTo(1, 12);
    expect(indices.centred).toBeCloseTo(2 / 3, 12);
  });

  it('is equal for both indices when the process is centred', () => {
    const indices = capabilityIndices({ lsl: 9, usl: 11 }, 10, 0.25);
    expect(indices.spread).toBeCloseTo(4 / 3, 12);
    expect(indices.centred).toBeCloseTo(4 / 3, 12);
  });

  it('goes negative when the mean lies outside the limits', () => {
    expect(capabilityIndices({ lsl: 9, usl: 11 }, 12, 1).centred).toBeCloseTo(-1 / 3, 12);
  });

  it('uses the available side of a one-sided specification and has no spread index', () => {
    expect(capabilityIndices({ lsl: null, usl: 0.05 }, 0.02, 0.01)).toEqual({
      spread: null,
      centred: expect.closeTo(1, 12),
    });
    expect(capabilityIndices({ lsl: 2, usl: null }, 5, 0.5)).toEqual({
      spread: null,
      centred: expect.closeTo(2, 12),
    });
  });

  it.each([
    ['no limits', { lsl: null, usl: null }, 10, 1],
    ['no mean', { lsl: 9, usl: 11 }, null, 1],
    ['no sigma', { lsl: 9, usl: 11 }, 10, null],
    ['zero sigma', { lsl: 9, usl: 11 }, 10, 0],
  ])('is null with %s', (_, limits, mean, sigma) => {
    expect(capabilityIndices(limits, mean, sigma)).toEqual({ spread: null, centred: null });
  });
});
