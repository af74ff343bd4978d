import { describe, expect, it } from 'vitest';
import { isInSpec } from './measurement-recording.ts';

describe('isInSpec', () => {
  it('includes both limits and nothing beyond them', () => {
    const limits = { lsl: 9.9, usl: 10.1 };
    expect([9.89, 9.9, 10, 10.1, 10.11].map((value) => isInSpec(value, limits))).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
  });

  it('leaves a missing limit open', () => {
    expect(isInSpec(-1e9, { lsl: null, usl: 0.05 })).toBe(true);
    expect(isInSpec(1e9, { lsl: 0, usl: null })).toBe(true);
    expect(isInSpec(0.06, { lsl: null, usl: 0.05 })).toBe(false);
  });
});
