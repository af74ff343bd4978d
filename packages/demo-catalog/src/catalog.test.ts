import { describe, expect, it } from 'vitest';
import { EQUIPMENT_TYPES, orderParametersFor } from './catalog.ts';

describe('orderParametersFor', () => {
  it('gives every type one to three setpoints with a unit and a range', () => {
    for (const type of Object.values(EQUIPMENT_TYPES)) {
      const parameters = orderParametersFor(type);
      expect(parameters.length).toBeGreaterThanOrEqual(1);
      expect(parameters.length).toBeLessThanOrEqual(3);
      expect(new Set(parameters.map((parameter) => parameter.name)).size).toBe(parameters.length);
      for (const { name, unit, min, max } of parameters) {
        // Names become OPC UA node id segments and JSON keys.
        expect(name).toMatch(/^[A-Z][A-Za-z0-9 ]*$/);
        expect(unit).not.toBe('');
        expect(min).toBeLessThan(max);
      }
    }
  });

  it('knows the press by its stroke rate and tonnage', () => {
    expect(orderParametersFor(EQUIPMENT_TYPES.press)).toEqual([
      { name: 'Stroke Rate', unit: 'strokes/min', min: 5, max: 40 },
      { name: 'Tonnage', unit: 't', min: 50, max: 800 },
    ]);
  });
});
