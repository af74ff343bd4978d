import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * The client's address, for the limits counted per address. Only the proxies named in
 * PLANTGRAPH_TRUSTED_PROXIES are believed about who they forward for: walking X-Forwarded-For from
 * the right (the hop nearest to the gateway), the client is the first address that is not a trusted
 * proxy. Without trusted proxies the header is ignored, since any client can write it.
 */
export type ClientAddress = (request: IncomingMessage) => string;

/** One trusted proxy: an address (`10.0.0.7`, `fd00::7`) or a network in CIDR (`10.0.0.0/8`). */
export function parseProxy(entry: string): { address: string; prefix?: number } | undefined {
  const [address = '', prefix, ...rest] = entry.trim().split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return undefined;
  if (prefix === undefined) return { address };
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  if (bits < 0 || bits > (family === 4 ? 32 : 128)) return undefined;
  return { address, prefix: bits };
}

/** `::ffff:10.0.0.7` (IPv4 on a dual-stack socket) as `10.0.0.7`; brackets and IPv4 ports gone. */
function normalise(text: string): string {
  const trimmed = text.trim();
  const address =
    /^\[([^\]]+)\](?::\d+)?$/.exec(trimmed)?.[1] ??
    /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(trimmed)?.[1] ??
    trimmed;
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;
}

function trustedList(proxies: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of proxies) {
    const proxy = parseProxy(entry);
    if (!proxy) throw new Error(`"${entry}" is not an IP address or CIDR network`);
    const family = isIP(proxy.address) === 4 ? 'ipv4' : 'ipv6';
    if (proxy.prefix === undefined) list.addAddress(proxy.address, family);
    else list.addSubnet(proxy.address, proxy.prefix, family);
  }
  return list;
}

export function clientAddressOf(trustedProxies: readonly string[] = []): ClientAddress {
  const socketAddress = (request: IncomingMessage) =>
    normalise(request.socket.remoteAddress ?? 'unknown');
  if (trustedProxies.length === 0) return socketAddress;
  const trusted = trustedList(trustedProxies);
  const isTrusted = (address: string) => {
    const family = isIP(address);
    return family !== 0 && trusted.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
  return (request) => {
    let client = socketAddress(request);
    if (!isTrusted(client)) return client;
    const header = request.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map(normalise)
      .filter((hop) => hop !== '');
    for (const hop of hops.reverse()) {
      // What a trusted proxy added is an address; anything else was written further out.
      if (isIP(hop) === 0) return client;
      client = hop;
      if (!isTrusted(hop)) return client;
    }
    return client;
  };
}
