import { describe, expect, it } from 'vitest';
import { OperationNames, outcomeOf } from './gateway-metrics.ts';

describe('OperationNames', () => {
  it('keeps the first distinct names, then labels new ones `other`', () => {
    const names = new OperationNames(2);
    expect(['A', 'B', 'A', 'C', 'B', 'D'].map((name) => names.label(name))).toEqual([
      'A',
      'B',
      'A',
      'other',
      'B',
      'other',
    ]);
  });

  it('labels operations without a name `anonymous`, without spending a slot', () => {
    const names = new OperationNames(1);
    expect([null, undefined, '', 'A', 'B'].map((name) => names.label(name))).toEqual([
      'anonymous',
      'anonymous',
      'anonymous',
      'A',
      'other',
    ]);
  });
});

describe('outcomeOf', () => {
  it('is success without errors, else the first error code from a bounded set', () => {
    expect(outcomeOf([])).toBe('success');
    expect(outcomeOf([{ extensions: { code: 'RATE_LIMITED' } }, {}])).toBe('RATE_LIMITED');
    expect(outcomeOf([{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }])).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    expect(outcomeOf([{}])).toBe('INTERNAL_SERVER_ERROR');
    expect(outcomeOf([{ extensions: { code: 'A_CODE_A_CLIENT_MADE_UP' } }])).toBe('OTHER_ERROR');
  });
});
