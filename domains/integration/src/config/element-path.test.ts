import { describe, expect, it } from 'vitest';
import { isFieldPath, parseFieldPath, pickElement } from './element-path.ts';

const spindle = {
  Speed: 1200,
  Axis: { X: 1.5, Y: -2 },
  Axes: [{ Position: 1 }, { Position: 2 }, { Position: 3 }],
};

describe('parseFieldPath', () => {
  it('reads dotted names and array indexes', () => {
    expect(parseFieldPath('Axis.X')).toEqual(['Axis', 'X']);
    expect(parseFieldPath('Axes[2].Position')).toEqual(['Axes', 2, 'Position']);
    expect(parseFieldPath('Grid[1][0]')).toEqual(['Grid', 1, 0]);
  });

  it('refuses what is not a field path', () => {
    for (const text of ['', 'Axis..X', '.X', 'Axes[x]', '[2]', 'Axes[2']) {
      expect(isFieldPath(text), text).toBe(false);
    }
  });
});

describe('pickElement', () => {
  it('picks an array element, a nested field, or a field of an element', () => {
    expect(pickElement([10, 20, 30], { index: 1 })).toEqual({ value: 20 });
    expect(pickElement(spindle, { field: 'Axis.Y' })).toEqual({ value: -2 });
    expect(pickElement(spindle, { field: 'Axes[2].Position' })).toEqual({ value: 3 });
    expect(pickElement(spindle.Axes, { index: 0, field: 'Position' })).toEqual({ value: 1 });
    expect(pickElement(spindle, {})).toEqual({ value: spindle });
  });

  it('names the index out of range and the field that does not exist', () => {
    expect(pickElement([10, 20, 30], { index: 3 })).toEqual({
      reason: 'index 3: the value has 3 elements, no index 3',
    });
    expect(pickElement(spindle, { field: 'Axis.Z' })).toEqual({
      reason: 'field "Axis.Z": "Axis" has no field "Z" (fields: X, Y)',
    });
    expect(pickElement(spindle, { field: 'Axes[5].Position' })).toEqual({
      reason: 'field "Axes[5].Position": "Axes" has 3 elements, no index 5',
    });
    expect(pickElement(spindle, { field: 'Speed.Value' })).toEqual({
      reason: 'field "Speed.Value": "Speed" is not a structure',
    });
    expect(pickElement(42, { index: 0 })).toEqual({
      reason: 'index 0: the value is not an array',
    });
  });
});
