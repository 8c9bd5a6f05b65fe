// Which network addresses `http.request` may connect to. Loopback, private, link-local (cloud
// metadata at 169.254.169.254), shared, multicast and reserved ranges are refused unless the host
// sets R1FLOW_HTTP_ALLOW_PRIVATE=true, so an allowed name that resolves (or is re-pointed) to an
// internal address cannot reach inside. The check runs on the address actually connected to (a DNS
// lookup hook), not on an earlier lookup that a rebinding server could answer differently.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { R1flowError } from '../../engine/errors.ts';

export const ALLOW_PRIVATE_SETTING = 'R1FLOW_HTTP_ALLOW_PRIVATE';

const internal = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  internal.addSubnet(network, prefix, 'ipv6');
}

export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return internal.check(mapped[1]!, 'ipv4');
  const family = isIP(bare);
  if (family === 0) return false;
  return internal.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

export function internalAddressError(host: string, address: string): R1flowError {
  return new R1flowError(
    'HTTP_HOST_NOT_ALLOWED',
    `http.request may not call ${host}: it is at ${address}, an internal address (loopback, private or link-local); set ${ALLOW_PRIVATE_SETTING}=true on a host that should reach internal services`,
    { retryable: false, data: { host } },
  );
}

/** Refuses a host written as an internal IP address (no lookup happens for those). */
export function checkLiteralAddress(hostname: string, allowPrivate: boolean): void {
  if (!allowPrivate && isInternalAddress(hostname)) throw internalAddressError(hostname, hostname);
}

/** A DNS lookup for node:http that fails on internal addresses unless they are allowed. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const all: LookupAllOptions = { ...(options as object), all: true };
    dnsLookup(hostname, all, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = allowPrivate ? undefined : addresses.find((a) => isInternalAddress(a.address));
      if (refused) return callback(internalAddressError(hostname, refused.address), '', 0);
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
        return;
      }
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}
