import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddressOf, parseProxy } from './client-address.ts';

const request = (remoteAddress: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('clientAddressOf', () => {
  it('ignores X-Forwarded-For without trusted proxies', () => {
    const address = clientAddressOf();
    expect(address(request('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
    expect(address(request('::ffff:203.0.113.9'))).toBe('203.0.113.9');
  });

  it('takes the right-most address that is not a trusted proxy', () => {
    const address = clientAddressOf(['10.0.0.0/8', '192.168.1.10']);
    // The client claims 1.1.1.1; the outer proxy saw 198.51.100.7, the inner one 10.0.0.3.
    const chain = '1.1.1.1, 198.51.100.7, 10.0.0.3';
    expect(address(request('192.168.1.10', chain))).toBe('198.51.100.7');
    expect(address(request('::ffff:10.1.2.3', '198.51.100.7'))).toBe('198.51.100.7');
  });

  it('believes nothing a client sends straight to the gateway', () => {
    const address = clientAddressOf(['10.0.0.0/8']);
    expect(address(request('198.51.100.7', '10.0.0.1'))).toBe('198.51.100.7');
  });

  it('stops at a hop that is not an address, and at the left-most when all are trusted', () => {
    const address = clientAddressOf(['10.0.0.0/8', 'fd00::/8']);
    expect(address(request('10.0.0.1', 'junk, 10.0.0.2'))).toBe('10.0.0.2');
    expect(address(request('10.0.0.1', '10.0.0.9, 10.0.0.2'))).toBe('10.0.0.9');
    expect(address(request('fd00::1', '[2001:db8::5]:443'))).toBe('2001:db8::5');
    expect(address(request('10.0.0.1', '203.0.113.4:5123'))).toBe('203.0.113.4');
    expect(address(request('10.0.0.1'))).toBe('10.0.0.1');
  });
});

describe('parseProxy', () => {
  it('reads addresses and CIDR networks and refuses anything else', () => {
    expect(parseProxy('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8 });
    expect(parseProxy(' fd00::1 ')).toEqual({ address: 'fd00::1' });
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.1/8/8', 'fd00::/129', '10.0.0/8']) {
      expect(parseProxy(bad)).toBeUndefined();
    }
  });
});
