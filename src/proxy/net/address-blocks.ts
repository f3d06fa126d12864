import { isIP } from 'node:net';

interface Block {
  /** 16 bytes: IPv4 as its IPv4-mapped IPv6 form (`::ffff:a.b.c.d`), so one comparison serves both. */
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/**
 * A set of address blocks (CIDR notation, already validated by the model's `cidr` schema),
 * matched against the peer address of a connection. Node reports IPv4 peers of a dual-stack
 * listener as `::ffff:10.0.0.1`; both spellings match `10.0.0.0/8`.
 */
export class AddressBlocks {
  private readonly blocks: readonly Block[];

  constructor(cidrs: readonly string[]) {
    this.blocks = cidrs.map(parseBlock);
  }

  get empty(): boolean {
    return this.blocks.length === 0;
  }

  /** Whether `address` (as `socket.remoteAddress` gives it) lies in one of the blocks. */
  contains(address: string | undefined): boolean {
    if (this.blocks.length === 0 || !address) return false;
    const bytes = addressBytes(address);
    if (!bytes) return false;
    return this.blocks.some((b) => inBlock(bytes, b));
  }
}

function parseBlock(cidr: string): Block {
  const slash = cidr.indexOf('/');
  const address = slash === -1 ? cidr : cidr.slice(0, slash);
  const bytes = addressBytes(address);
  if (!bytes) throw new Error(`not an address block: ${cidr}`);
  const v4 = isIP(address) === 4;
  const prefix = slash === -1 ? (v4 ? 32 : 128) : Number(cidr.slice(slash + 1));
  return { bytes, bits: v4 ? prefix + 96 : prefix };
}

function inBlock(bytes: Uint8Array, block: Block): boolean {
  const whole = block.bits >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== block.bytes[i]) return false;
  const rest = block.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[whole] & mask) === (block.bytes[whole] & mask);
}

/** 16 bytes of an IPv4 or IPv6 address (zone ids dropped), or `undefined`. */
export function addressBytes(address: string): Uint8Array | undefined {
  const zone = address.indexOf('%');
  const bare = zone === -1 ? address : address.slice(0, zone);
  const family = isIP(bare);
  const out = new Uint8Array(16);
  if (family === 4) {
    out[10] = 0xff;
    out[11] = 0xff;
    bare.split('.').forEach((p, i) => (out[12 + i] = Number(p)));
    return out;
  }
  if (family !== 6) return undefined;
  // A trailing dotted quad (`::ffff:10.0.0.1`) is the last two groups.
  const text = bare.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  const gap = text.indexOf('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const front = groups(gap === -1 ? text : text.slice(0, gap));
  const back = gap === -1 ? [] : groups(text.slice(gap + 2));
  const all = gap === -1 ? front : [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  if (all.length !== 8) return undefined;
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}
