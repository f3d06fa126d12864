import type { IncomingHttpHeaders } from 'node:http';
import type { CredentialValueModel, UpstreamCredentialModel } from '../../model';
import { secretRefId, type SecretResolver } from '../secrets/secret-resolver';
import type { OAuthTokenSource } from './oauth-token-source';

/** A referenced Secret is missing or holds a value that cannot go into a header (500). */
export class CredentialMisconfiguredError extends Error {
  readonly code = 'ERR_GW_CREDENTIAL_MISCONFIGURED';
}

/** What is added to one upstream request. Header names are lower-case. */
export interface Injection {
  readonly headers: Record<string, string>;
  readonly query: [string, string][];
  /** The OAuth token used, so a 401 from upstream can refresh exactly that one. */
  readonly oauth?: { readonly source: OAuthTokenSource; readonly accessToken: string };
}

/** What the injector uses of an OAuth token. */
type OAuthToken = { readonly accessToken: string; readonly claimHeaders: Readonly<Record<string, string>> };

type Step =
  | { readonly kind: 'header'; readonly name: string; readonly prefix: string; readonly value: CredentialValueModel }
  | { readonly kind: 'query'; readonly name: string; readonly value: CredentialValueModel }
  | { readonly kind: 'basic'; readonly username: CredentialValueModel; readonly password: CredentialValueModel }
  | { readonly kind: 'oauth'; readonly source: OAuthTokenSource };

/** Nothing injected (a TRACE, which must not carry credentials). */
export const NO_INJECTION: Injection = Object.freeze({ headers: Object.freeze({}) as Record<string, string>, query: [] });

/**
 * A route's upstream credentials, compiled once: header(s) with prefix, query parameters,
 * BasicAuth and OAuth2 client-credentials tokens, applied in declaration order (a later
 * `Authorization` wins). Values are resolved per request so rotated Secrets apply at once.
 * Which caller headers are removed first is the request transformation's decision.
 */
export class CredentialInjector {
  /** Whether a credential travels in the query string (which a forwardAuth answer cannot set). */
  readonly usesQuery: boolean;
  private readonly steps: Step[];
  private readonly hasOauth: boolean;

  constructor(
    credentials: readonly UpstreamCredentialModel[],
    private readonly secrets: SecretResolver,
    tokenSourceFor: (c: Extract<UpstreamCredentialModel, { kind: 'oauth2ClientCredentials' }>) => OAuthTokenSource,
  ) {
    this.steps = credentials.map((c): Step => {
      switch (c.kind) {
        case 'header':
          return { kind: 'header', name: c.name.toLowerCase(), prefix: c.prefix, value: c.value };
        case 'queryParam':
          return { kind: 'query', name: c.name, value: c.value };
        case 'basicAuth':
          return { kind: 'basic', username: c.username, password: c.password };
        case 'oauth2ClientCredentials':
          return { kind: 'oauth', source: tokenSourceFor(c) };
      }
    });
    this.usesQuery = this.steps.some((s) => s.kind === 'query');
    this.hasOauth = this.steps.some((s) => s.kind === 'oauth');
  }

  get empty(): boolean {
    return this.steps.length === 0;
  }

  /** The credentials for one request; async only when an OAuth token must be fetched. */
  inject(request: IncomingHttpHeaders): Injection | Promise<Injection> {
    if (!this.hasOauth) return this.build(request, undefined);
    // Cached tokens are handed out synchronously: no promise per request on the warm path.
    // Each source is asked once, so a failed fetch is one rejection, awaited below.
    const sources: OAuthTokenSource[] = [];
    const tokens: (OAuthToken | Promise<OAuthToken>)[] = [];
    let waiting = false;
    for (const step of this.steps) {
      if (step.kind !== 'oauth') continue;
      const token = step.source.get();
      sources.push(step.source);
      tokens.push(token);
      if (token instanceof Promise) waiting = true;
    }
    const build = (got: readonly OAuthToken[]) => this.build(request, new Map(sources.map((s, i) => [s, got[i]])));
    return waiting ? Promise.all(tokens).then(build) : build(tokens as OAuthToken[]);
  }

  /** Re-applies the credentials after a 401 with a freshly fetched OAuth token. */
  async injectAfterRejection(request: IncomingHttpHeaders, rejected: NonNullable<Injection['oauth']>): Promise<Injection> {
    const fresh = await rejected.source.refreshAfterRejection(rejected.accessToken);
    const tokens = new Map<OAuthTokenSource, OAuthToken>();
    for (const step of this.steps) {
      if (step.kind === 'oauth') tokens.set(step.source, step.source === rejected.source ? fresh : await step.source.get());
    }
    return this.build(request, tokens);
  }

  private build(
    request: IncomingHttpHeaders,
    tokens: ReadonlyMap<OAuthTokenSource, OAuthToken> | undefined,
  ): Injection {
    const headers: Record<string, string> = {};
    const query: [string, string][] = [];
    let oauth: Injection['oauth'];
    for (const step of this.steps) {
      switch (step.kind) {
        case 'header': {
          const v = this.value(step.value, request);
          if (v !== undefined) headers[step.name] = headerSafe(step.prefix + v, step.name);
          break;
        }
        case 'query': {
          const v = this.value(step.value, request);
          if (v !== undefined) query.push([step.name, v]);
          break;
        }
        case 'basic': {
          const user = this.value(step.username, request) ?? '';
          const pass = this.value(step.password, request) ?? '';
          headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`;
          break;
        }
        case 'oauth': {
          const t = tokens!.get(step.source)!;
          headers.authorization = `Bearer ${t.accessToken}`;
          Object.assign(headers, t.claimHeaders);
          oauth = { source: step.source, accessToken: t.accessToken };
          break;
        }
      }
    }
    return { headers, query, oauth };
  }

  private value(v: CredentialValueModel, request: IncomingHttpHeaders): string | undefined {
    switch (v.kind) {
      case 'unsafePlaintext':
        return v.value;
      case 'requestHeader': {
        const h = request[v.header.toLowerCase()];
        return Array.isArray(h) ? h[0] : h;
      }
      case 'secret': {
        const value = this.secrets.resolve(v.ref);
        if (value === undefined) throw new CredentialMisconfiguredError(`Secret key ${secretRefId(v.ref)} is not available`);
        return value;
      }
    }
  }
}

function headerSafe(value: string, name: string): string {
  if (/[\r\n\0]/.test(value)) throw new CredentialMisconfiguredError(`value for header ${name} contains a line break or NUL`);
  return value;
}
