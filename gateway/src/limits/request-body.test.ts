import { describe, expect, it } from 'vitest';
import { parseByteSize } from './request-body.ts';

describe('parseByteSize', () => {
  it('reads bytes and binary units', () => {
    expect(parseByteSize('1048576')).toBe(1_048_576);
    expect(parseByteSize('512kb')).toBe(524_288);
    expect(parseByteSize('1MB')).toBe(1_048_576);
    expect(parseByteSize(' 2 mb ')).toBe(2_097_152);
  });

  it('refuses anything else', () => {
    for (const text of ['', '0', '-1', '1.5mb', 'lots', '1tb']) {
      expect(parseByteSize(text)).toBeUndefined();
    }
  });
});
