import type { ApiRouteModel } from '../../src/model';
import { backendHostNames, backendId } from '../cases/route-expectations';
import { JwtIssuer } from '../identity/jwt-issuer';
import { TokenEndpoint, type ExpectedClient } from '../identity/token-endpoint';
import type { ClusterSecrets } from '../kubernetes/cluster-secrets';
import type { LocalCertificateAuthority } from '../network/local-ca';
import { LoopbackNetwork } from '../network/loopback-network';
import { OriginServer, type ObservedRequest } from '../network/origin-server';

/** A route with the namespace of the gateway serving it. */
export interface RouteInGateway {
  readonly route: ApiRouteModel;
  readonly gatewayNamespace: string | undefined;
}

interface PlannedOrigin {
  readonly id: string;
  readonly scheme: 'http' | 'https';
  readonly port: number;
  readonly names: Set<string>;
  echo: boolean;
  readonly jwks: Set<string>;
  readonly tokenPaths: Set<string>;
}

/**
 * Everything outside the gateways, on 127.0.0.1: one stand-in per backend of the model (SaaS
 * hosts, in-cluster Services), the callers' JWKS issuers, the OAuth token endpoints, and the
 * {@link LoopbackNetwork} that routes the model's host names to them. Certificates name only
 * the hosts a real server would have: an in-cluster `https` Service's certificate names its
 * Service DNS names, not the pod address a gateway may dial.
 */
export class LoopbackWorld {
  readonly issuers = new Map<string, JwtIssuer>();
  /** Backend stand-ins by {@link backendId}. */
  readonly backends = new Map<string, OriginServer>();
  readonly tokenEndpoint: TokenEndpoint;
  private readonly origins: { server: OriginServer; planned: PlannedOrigin }[] = [];

  private constructor(
    readonly network: LoopbackNetwork,
    clients: ExpectedClient[],
  ) {
    this.tokenEndpoint = new TokenEndpoint(clients);
  }

  static async start(routes: readonly RouteInGateway[], secrets: ClusterSecrets, ca: LocalCertificateAuthority): Promise<LoopbackWorld> {
    const planned = new Map<string, PlannedOrigin>();
    const byAuthority = new Map<string, PlannedOrigin>();
    const plan = (id: string, scheme: 'http' | 'https', port: number, names: string[], echo: boolean): PlannedOrigin => {
      const existing = names.map((n) => byAuthority.get(`${n}:${port}`)).find(Boolean) ?? planned.get(id);
      const p = existing ?? { id, scheme, port, names: new Set<string>(), echo, jwks: new Set<string>(), tokenPaths: new Set<string>() };
      p.echo ||= echo;
      for (const n of names) {
        p.names.add(n);
        byAuthority.set(`${n}:${port}`, p);
      }
      planned.set(p.id, p);
      return p;
    };
    const clients: ExpectedClient[] = [];
    const algorithms = new Map<string, Set<string>>();
    for (const { route, gatewayNamespace } of routes) {
      const b = route.backend;
      plan(backendId(b, gatewayNamespace), b.scheme, b.port, backendHostNames(b, gatewayNamespace), true);
      if (route.clientAuth.kind === 'jwt') {
        const u = new URL(route.clientAuth.jwksUrl);
        plan(`https://${u.hostname}:${u.port || 443}`, 'https', Number(u.port || 443), [u.hostname], false).jwks.add(u.pathname);
        const algs = algorithms.get(route.clientAuth.jwksUrl) ?? new Set<string>();
        route.clientAuth.algorithms.forEach((a) => algs.add(a));
        algorithms.set(route.clientAuth.jwksUrl, algs);
      }
      for (const c of route.upstreamAuth) {
        if (c.kind !== 'oauth2ClientCredentials') continue;
        const u = new URL(c.tokenUrl);
        plan(`https://${u.hostname}:${u.port || 443}`, 'https', Number(u.port || 443), [u.hostname], false).tokenPaths.add(u.pathname);
        const value = (v: (typeof c)['clientId']) => (v.kind === 'secret' ? secrets.value(v.ref.secretName, v.ref.key) : v.kind === 'unsafePlaintext' ? v.value : undefined) ?? '';
        if (!clients.some((x) => x.model.name === c.name)) {
          clients.push({ model: c, clientId: value(c.clientId), clientSecret: value(c.clientSecret), scopes: c.scopes.map(value) });
        }
      }
    }

    const world = new LoopbackWorld(await LoopbackNetwork.start(), clients);
    for (const [jwksUrl, algs] of algorithms) {
      const issuer = new JwtIssuer(jwksUrl);
      await issuer.ensureKeys([...algs]);
      world.issuers.set(jwksUrl, issuer);
    }
    for (const p of new Set(planned.values())) {
      const certificate = p.scheme === 'https' ? ca.issue([...p.names]) : undefined;
      const server = await OriginServer.start({ id: p.id, echo: p.echo, ...(certificate ? { certificate } : {}) });
      for (const path of p.jwks) {
        const issuer = [...world.issuers.values()].find((i) => new URL(i.jwksUrl).pathname === path && p.names.has(new URL(i.jwksUrl).hostname))!;
        server.handle(path, (_req, _body, res) => {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(issuer.jwks()));
        });
      }
      for (const path of p.tokenPaths) server.handle(path, world.tokenEndpoint.handler());
      for (const name of p.names) world.network.route(name, p.port, p.scheme === 'https' ? server.tlsPort : server.plainPort);
      if (p.echo) world.backends.set(p.id, server);
      world.origins.push({ server, planned: p });
    }
    return world;
  }

  /**
   * `originOverrides` for the reference proxy: every origin the model names, to the
   * stand-in's plain listener (the proxy's test facility; its Host header is unchanged).
   */
  originOverrides(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { server, planned } of this.origins) {
      const defaultPort = planned.scheme === 'https' ? 443 : 80;
      for (const name of planned.names) out[`${planned.scheme}://${name}${planned.port === defaultPort ? '' : `:${planned.port}`}`] = server.plainUrl;
    }
    return out;
  }

  /** The local listener standing in for an in-cluster backend Service port (for EndpointSlices). */
  backendEndpoint(id: string): { port: number; tls: boolean } | undefined {
    const o = this.origins.find((x) => x.planned.id === id || x.server.id === id);
    if (!o) return undefined;
    return o.planned.scheme === 'https' ? { port: o.server.tlsPort, tls: true } : { port: o.server.plainPort, tls: false };
  }

  /** A mark to pass to {@link backendRequestsSince}. */
  mark(): Map<OriginServer, number> {
    return new Map([...this.backends.values()].map((s) => [s, s.seen.length]));
  }

  /** Every backend request since `mark`, in no particular order across backends. */
  backendRequestsSince(mark: Map<OriginServer, number>): ObservedRequest[] {
    return [...this.backends.values()].flatMap((s) => s.since(mark.get(s) ?? 0));
  }

  async close(): Promise<void> {
    await Promise.all(this.origins.map((o) => o.server.close()));
    await this.network.close();
  }
}
