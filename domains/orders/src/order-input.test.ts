import { describe, expect, it } from 'vitest';
import { assertWithinLimits } from './order-download.ts';
import { InvalidOrderInput } from './order-errors.ts';
import {
  requestHash,
  validateChanges,
  validateNewOrder,
  validateSetpoints,
  type NewOrderInput,
} from './order-input.ts';

const ASSET = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const order: NewOrderInput = { number: ' PO-1 ', material: 'BRKT-1', quantity: 10, assetId: ASSET };

function refusal(work: () => unknown): InvalidOrderInput {
  try {
    work();
  } catch (error) {
    if (error instanceof InvalidOrderInput) return error;
    throw error;
  }
  throw new Error('expected InvalidOrderInput');
}

describe('order input', () => {
  it('trims texts and fills the defaults', () => {
    expect(validateNewOrder(order)).toMatchObject({
      number: 'PO-1',
      unit: 'pcs',
      priority: 0,
      externalId: null,
      assetId: ASSET,
    });
  });

  it.each([
    [{ number: '  ' }, 'input.number'],
    [{ quantity: 0 }, 'input.quantity'],
    [{ quantity: Number.NaN }, 'input.quantity'],
    [{ assetId: 'nope' }, 'input.assetId'],
    [
      { plannedStart: new Date('2026-01-02'), plannedEnd: new Date('2026-01-01') },
      'input.plannedEnd',
    ],
  ])('refuses %o, naming %s', (change, field) => {
    expect(refusal(() => validateNewOrder({ ...order, ...change })).field).toBe(field);
  });

  it('refuses a repeated setpoint name, naming the repeat', () => {
    const parameters = [
      { name: 'force', value: 1 },
      { name: 'force', value: 2 },
    ];
    expect(refusal(() => validateSetpoints({ ...order, parameters })).field).toBe(
      'input.parameters[1].name',
    );
  });

  it('refuses an update that changes nothing or nulls a required field', () => {
    expect(refusal(() => validateChanges({})).field).toBe('input');
    expect(refusal(() => validateChanges({ material: null })).field).toBe('input.material');
    expect(validateChanges({ dueAt: null })).toEqual({ dueAt: null });
  });

  it('fingerprints requests by their content', () => {
    const first = validateNewOrder(order);
    expect(requestHash(first, [])).toBe(requestHash(validateNewOrder({ ...order }), []));
    expect(requestHash(first, [])).not.toBe(requestHash({ ...first, quantity: 11 }, []));
  });

  it('checks a setpoint against the machine limits, naming it', () => {
    const limits = [{ name: 'force', unit: 'kN', min: 0, max: 100 }];
    const setpoint = (value: number, unit: string | null = 'kN') => ({
      name: 'force',
      value,
      unit,
    });
    expect(() => assertWithinLimits(setpoint(50), limits, 'Press A')).not.toThrow();
    expect(refusal(() => assertWithinLimits(setpoint(150), limits, 'Press A')).problem).toBe(
      '150 kN is outside the limits of "Press A" (0 to 100 kN)',
    );
    expect(refusal(() => assertWithinLimits(setpoint(50, 'N'), limits, 'Press A')).field).toBe(
      'parameters.force',
    );
    const unknown = { name: 'speed', value: 1, unit: null };
    expect(refusal(() => assertWithinLimits(unknown, limits, 'Press A')).problem).toMatch(
      /has no setpoint "speed" \(it has: force\)/,
    );
  });
});
