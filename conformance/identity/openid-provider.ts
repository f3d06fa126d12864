import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { LocalCertificateAuthority } from '../network/local-ca';
import type { LoopbackNetwork } from '../network/loopback-network';

/** The confidential client OAuth2 Proxy authenticates as. */
export interface OidcClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
}

/** A user of the stand-in realm. */
export interface RealmUser {
  readonly email: string;
  readonly groups: readonly string[];
}

/**
 * A real OpenID Provider (`oidc-provider`, an OpenID-certified implementation) at the
 * issuer URL the synthesized OAuth2 Proxy is configured with, shaped like a Keycloak realm
 * where it matters to OAuth2 Proxy's `keycloak-oidc` provider: JWT access tokens (it reads
 * roles from them), `email_verified`, and a `groups` claim in the ID token (group-membership
 * mapper). Users sign in through its own login and consent pages (`devInteractions`): any
 * login name is accepted and becomes the account of {@link RealmUser} `users[login]`.
 */
export class OpenIdProviderStandIn {
  /** Authorization requests seen (a second login would add one). */
  authorizationRequests = 0;
  private server: Server | undefined;

  private constructor(readonly issuer: string) {}

  static async start(issuer: string, client: OidcClient, users: Readonly<Record<string, RealmUser>>, ca: LocalCertificateAuthority, network: LoopbackNetwork): Promise<OpenIdProviderStandIn> {
    const stand = new OpenIdProviderStandIn(issuer);
    // oidc-provider is ESM only; a computed specifier keeps this CommonJS module loadable.
    const specifier = 'oidc-provider';
    const { default: Provider } = (await import(specifier)) as { default: new (issuer: string, config: unknown) => any };
    const url = new URL(issuer);
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: client.clientId,
          client_secret: client.clientSecret,
          redirect_uris: [...client.redirectUris],
          response_types: ['code'],
          grant_types: ['authorization_code', 'refresh_token'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      findAccount: (_ctx: unknown, id: string) => {
        const user = users[id] ?? { email: `${id}@conformance.example`, groups: [] };
        return {
          accountId: id,
          claims: () => ({ sub: id, email: user.email, email_verified: true, preferred_username: id, name: id, groups: [...user.groups] }),
        };
      },
      claims: { openid: ['sub', 'groups'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
      // Keycloak puts the user's claims into the ID token; OAuth2 Proxy reads groups there.
      conformIdTokenClaims: false,
      scopes: ['openid', 'email', 'profile', 'offline_access'],
      pkce: { required: () => true },
      // Keycloak's path for RP-initiated logout, where OAuth2ProxyAuth's sign-out URL sends the browser.
      routes: { end_session: '/protocol/openid-connect/logout' },
      features: {
        devInteractions: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          // The user confirms the logout at once (a test has no one to click "Yes").
          logoutSource: async (ctx: { body: string }, form: string) => {
            ctx.body = `<!DOCTYPE html><html><body>${form}<script>var f=document.forms[0];var i=document.createElement('input');i.type='hidden';i.name='logout';i.value='yes';f.appendChild(i);f.submit();</script></body></html>`;
          },
        },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => `${url.origin}/conformance-apps`,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({ scope: 'openid email profile', accessTokenFormat: 'jwt', audience: 'conformance-apps', jwt: { sign: { alg: 'RS256' } } }),
        },
      },
      cookies: { keys: ['conformance-cookie-signing-key-0123456789abcdef'] },
      ttl: { AccessToken: 3600, IdToken: 3600, Session: 3600, Interaction: 600, Grant: 3600 },
    });
    provider.on('authorization.accepted', () => stand.authorizationRequests++);
    const callback = provider.callback();
    const mount = url.pathname.replace(/\/$/, '');
    const certificate = ca.issue([url.hostname]);
    stand.server = createServer({ cert: certificate.cert, key: certificate.key }, (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
      const path = req.url ?? '/';
      if (mount && !path.startsWith(mount)) {
        res.writeHead(404).end();
        return;
      }
      // What a framework's mount does: the provider sees paths below the issuer's.
      req.originalUrl = path;
      req.url = path.slice(mount.length) || '/';
      callback(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      stand.server!.once('error', reject);
      stand.server!.listen(0, '127.0.0.1', () => resolve());
    });
    network.route(url.hostname, Number(url.port || 443), (stand.server.address() as AddressInfo).port);
    return stand;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server ? this.server.close(() => resolve()) : resolve();
    });
  }
}
