import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import type { AddressBlocks } from '../net/address-blocks';

/** Who the proxy believes about forwarding facts. */
export interface ForwardingTrust {
  /** Hops whose forwarding headers are believed (`trustedHops`). */
  readonly trustedHops: AddressBlocks;
  /** `X-Forwarded-Server`: this proxy's host name (the pod name), as Traefik sends its own. */
  readonly serverName: string;
}

export function forwardingTrust(trustedHops: AddressBlocks): ForwardingTrust {
  return { trustedHops, serverName: hostname() };
}

/** The connection's peer is a trusted hop; remembered per socket, whose peer never changes. */
const TRUSTED = Symbol('gatewright.trustedPeer');

export function fromTrustedHop(req: IncomingMessage, trust: ForwardingTrust): boolean {
  if (trust.trustedHops.empty) return false;
  const socket = req.socket as IncomingMessage['socket'] & { [TRUSTED]?: boolean };
  return (socket[TRUSTED] ??= trust.trustedHops.contains(socket.remoteAddress));
}

/**
 * Writes the forwarding headers of the `overwrite` policy (the plan's
 * `GATEWAY_WRITTEN_FORWARDING_HEADERS`; the caller's copies were already removed): from the
 * connection, or, when the peer is a trusted hop, extending and keeping what that hop said
 * (RFC 7239 §8.1: only a configured hop's forwarding facts can be believed). The traffic port
 * speaks plain HTTP, so without a trusted hop in front the protocol is `http`.
 * @param publicHost the `Host` the caller addressed (the authority of an absolute-form target)
 */
export function writeForwardingHeaders(headers: Record<string, string | string[]>, req: IncomingMessage, publicHost: string, trust: ForwardingTrust): void {
  const remote = req.socket.remoteAddress ?? '';
  const trusted = fromTrustedHop(req, trust);
  const incoming = req.headers;
  const xff = trusted ? incoming['x-forwarded-for'] : undefined;
  headers['x-forwarded-for'] = xff ? `${xff}, ${remote}` : remote;
  const proto = trusted ? single(incoming['x-forwarded-proto']) : undefined;
  const scheme = proto === 'https' || proto === 'http' ? proto : 'http';
  headers['x-forwarded-proto'] = scheme;
  const host = (trusted && single(incoming['x-forwarded-host'])) || publicHost;
  headers['x-forwarded-host'] = host;
  const port = trusted ? single(incoming['x-forwarded-port']) : undefined;
  headers['x-forwarded-port'] = port && /^\d{1,5}$/.test(port) ? port : portOf(host, scheme);
  const realIp = trusted ? single(incoming['x-real-ip']) : undefined;
  headers['x-real-ip'] = realIp || remote;
  headers['x-forwarded-server'] = trust.serverName;
}

function single(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  // A comma means several hops' answers joined: the first is the one nearest the caller.
  const comma = v.indexOf(',');
  return (comma === -1 ? v : v.slice(0, comma)).trim() || undefined;
}

function portOf(host: string, scheme: string): string {
  const m = /:(\d{1,5})$/.exec(host);
  if (m && !host.endsWith(']')) return m[1];
  return scheme === 'https' ? '443' : '80';
}
