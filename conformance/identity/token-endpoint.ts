import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import type { OAuthClientCredentialsModel } from '../../src/model';

/** What one `UpstreamOAuth` client must present, with its Secret values resolved. */
export interface ExpectedClient {
  readonly model: OAuthClientCredentialsModel;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Scope values after resolving SecretRef scopes. */
  readonly scopes: readonly string[];
}

/** One token request as the endpoint judged it. */
export interface TokenRequestRecord {
  readonly clientId: string | undefined;
  readonly granted: boolean;
  /** Why it was refused, e.g. `wrong client secret`. */
  readonly refusal?: string;
}

/** Signs the issued access tokens: their claims are read (forwarded headers, claim checks), never verified. */
const ACCESS_TOKEN_KEY = new TextEncoder().encode('conformance-token-endpoint-signing-key-0123456789');

/**
 * An OAuth 2.0 token endpoint (RFC 6749 §4.4, client credentials) for the `UpstreamOAuth`
 * clients of the model. It checks what the model says the gateway must send — client
 * authentication by the declared method, every scope, the audience — and refuses otherwise,
 * so an engine that sends a wrong credential fails the allowed case instead of passing
 * silently. Tokens are JWTs carrying the model's required `claims` and `client: <credential
 * name>`, so a backend check can tell whose token arrived.
 */
export class TokenEndpoint {
  readonly requests: TokenRequestRecord[] = [];
  private issued = 0;

  constructor(private readonly clients: readonly ExpectedClient[]) {}

  /** The handler to mount on the token URL's path. */
  handler(): (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void> {
    return async (req, body, res) => {
      const form = new URLSearchParams(body.toString('utf8'));
      const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      let clientId = form.get('client_id') ?? undefined;
      let clientSecret = form.get('client_secret') ?? undefined;
      let method: 'client_secret_basic' | 'client_secret_post' = 'client_secret_post';
      if (basic) {
        const decoded = Buffer.from(basic, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        // RFC 6749 §2.3.1: both halves are form-urlencoded before Basic encoding.
        clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
        method = 'client_secret_basic';
      }
      const client = this.clients.find((c) => c.clientId === clientId);
      const refuse = (status: number, refusal: string) => {
        this.requests.push({ clientId, granted: false, refusal });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: status === 401 ? 'invalid_client' : 'invalid_request' }));
      };
      if (form.get('grant_type') !== 'client_credentials') return refuse(400, `grant_type ${form.get('grant_type')}`);
      if (!client) return refuse(401, 'unknown client id');
      if (client.clientSecret !== clientSecret) return refuse(401, 'wrong client secret');
      if (client.model.authMethod !== method) return refuse(401, `client authentication by ${method}, model says ${client.model.authMethod}`);
      const asked = (form.get('scope') ?? '').split(' ').filter(Boolean).sort();
      if (asked.join(' ') !== [...client.scopes].sort().join(' ')) return refuse(400, `scope "${asked.join(' ')}"`);
      if ((form.get('audience') ?? undefined) !== client.model.audience) return refuse(400, `audience ${form.get('audience')}`);
      this.issued++;
      this.requests.push({ clientId, granted: true });
      const now = Math.floor(Date.now() / 1000);
      const accessToken = await new SignJWT({
        ...client.model.claims,
        client: client.model.name,
        n: this.issued,
        ...(client.model.audience ? { aud: client.model.audience } : {}),
        scope: client.scopes.join(' '),
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(ACCESS_TOKEN_KEY);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: 3600 }));
    };
  }
}
