/**
 * IP addresses and CIDR blocks for `IpAddress`/`NotIpAddress` (RFC 4632 IPv4, RFC 4291 IPv6 text forms). A bare
 * address in a policy is a /32 (or /128). Values are 128-bit integers so both families share one comparison.
 */

export interface IpValue {
  v6: boolean;
  value: bigint;
}

export interface CidrBlock extends IpValue {
  prefix: number;
}

const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(text: string): bigint | undefined {
  const m = ipv4.exec(text);
  if (!m) return undefined;
  let value = 0n;
  for (const octet of m.slice(1)) {
    const n = Number(octet);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function hexGroups(text: string): bigint[] | undefined {
  if (text === "") return [];
  const groups: bigint[] = [];
  const pieces = text.split(":");
  for (const [i, piece] of pieces.entries()) {
    if (i === pieces.length - 1 && piece.includes(".")) {
      const v4 = parseIpv4(piece);
      if (v4 === undefined) return undefined;
      groups.push(v4 >> 16n, v4 & 0xffffn);
    } else if (/^[0-9a-f]{1,4}$/i.test(piece)) groups.push(BigInt(`0x${piece}`));
    else return undefined;
  }
  return groups;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = hexGroups(halves[0] ?? "");
  const tail = halves.length === 2 ? hexGroups(halves[1] ?? "") : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<bigint>(missing).fill(0n), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** An IPv4 or IPv6 address, or undefined when the text is neither. */
export function parseIp(text: string): IpValue | undefined {
  const trimmed = text.trim();
  const v4 = parseIpv4(trimmed);
  if (v4 !== undefined) return { v6: false, value: v4 };
  const v6 = trimmed.includes(":") ? parseIpv6(trimmed) : undefined;
  return v6 === undefined ? undefined : { v6: true, value: v6 };
}

/** A CIDR block (`10.0.0.0/8`, `2001:db8::/32`) or a single address. */
export function parseCidr(text: string): CidrBlock | undefined {
  const [address = "", prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const width = ip.v6 ? 128 : 32;
  const prefix = prefixText === undefined ? width : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : -1;
  if (prefix < 0 || prefix > width) return undefined;
  return { ...ip, prefix };
}

/** True when the address lies in the block (families must agree). */
export function inCidr(ip: IpValue, block: CidrBlock): boolean {
  if (ip.v6 !== block.v6) return false;
  const shift = BigInt((block.v6 ? 128 : 32) - block.prefix);
  return ip.value >> shift === block.value >> shift;
}
