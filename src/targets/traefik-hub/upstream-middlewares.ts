import { traefikMiddleware } from '../traefik-common/middleware-object';
import {
  ErrorCode,
  GatewrightError,
  type ApiRouteModel,
  type BasicAuthCredentialModel,
  type CredentialValueModel,
  type HeaderCredentialModel,
  type OAuthClientCredentialsModel,
  type QueryParamCredentialModel,
  type SecretRefModel,
} from '../../model';
import { derivedSecretKey, type DerivedValue } from '../../plan/derived-secrets';
import { routeObjectName, RouteObject } from '../../plan/object-names';
import { derivedValueTemplate } from '../external-secrets/derived-value-template';
import type { ValueLocation } from '../grammars';
import type { RenderedSecretKey } from '../rendered-secret-key';
import type { TraefikObject } from '../traefik-common/rendered-object';
import { renderTokenClaimsExpression } from './claims-expression';
import { toSecretUrn } from './secret-urn';

export interface RenderedUpstream {
  readonly objects: TraefikObject[];
  /** Objects several routes share (a token middleware): emitted once per namespace. */
  readonly shared: TraefikObject[];
  /** The one middleware name the IngressRoute lists (a chain when several are needed). */
  readonly middlewareName?: string;
  readonly secretKeys: RenderedSecretKey[];
}

/**
 * Upstream credentials for Traefik Hub: static headers through a `headers` middleware whose
 * values are `urn:k8s:secret:` references, query parameters through Hub's `queryParam`
 * middleware, and tokens through `oAuthClientCredentials`. Several credentials become a
 * `chain`, so the IngressRoute lists exactly one upstream step. A URN must be a whole value,
 * so prefixed and Basic values are computed by the ExternalSecret into a key the plan
 * allocates from their full inputs (two credentials never share one).
 */
export function renderHubUpstream(gateway: { readonly namespace?: string }, route: ApiRouteModel): RenderedUpstream {
  const ctx = new UpstreamContext(gateway, route);
  const headers = route.upstreamAuth.filter((c): c is HeaderCredentialModel => c.kind === 'header');
  const basics = route.upstreamAuth.filter((c): c is BasicAuthCredentialModel => c.kind === 'basicAuth');
  const queries = route.upstreamAuth.filter((c): c is QueryParamCredentialModel => c.kind === 'queryParam');
  const tokens = route.upstreamAuth.filter((c): c is OAuthClientCredentialsModel => c.kind === 'oauth2ClientCredentials');

  const steps: string[] = [];
  for (const token of tokens) steps.push(ctx.oauthMiddleware(token));
  if (headers.length || basics.length) steps.push(ctx.headersMiddleware(headers, basics));
  if (queries.length) steps.push(ctx.queryMiddleware(queries));

  let middlewareName = steps[0];
  if (steps.length > 1) {
    middlewareName = routeObjectName(route.name, RouteObject.UPSTREAM_CHAIN);
    ctx.objects.push(traefikMiddleware(gateway, middlewareName, { chain: { middlewares: steps.map((name) => ({ name })) } }));
  }
  return { objects: ctx.objects, shared: ctx.shared, middlewareName, secretKeys: ctx.secretKeys };
}

class UpstreamContext {
  readonly objects: TraefikObject[] = [];
  readonly shared: TraefikObject[] = [];
  readonly secretKeys: RenderedSecretKey[] = [];

  constructor(
    private readonly gateway: { readonly namespace?: string },
    private readonly route: ApiRouteModel,
  ) {}

  oauthMiddleware(c: OAuthClientCredentialsModel): string {
    const field = `upstreamAuth(${c.name})`;
    if (!c.audience) {
      // Hub's reference marks `audience` required for oAuthClientCredentials.
      throw this.unsupported(
        `${field}.audience`,
        "is not set, and Traefik Hub's oAuthClientCredentials middleware requires an audience",
        'set `audience` on the UpstreamOAuth: the resource the token is for (for Oracle IDCS, the resource URL its scopes start with)',
      );
    }
    const oauth: Record<string, unknown> = {
      url: c.tokenUrl,
      clientID: this.value(c.clientId, `${field}.clientId`),
      clientSecret: this.value(c.clientSecret, `${field}.clientSecret`),
    };
    if (c.audience) oauth.audience = c.audience;
    if (c.scopes.length) oauth.scopes = c.scopes.map((s, i) => this.value(s, `${field}.scopes[${i}]`));
    if (Object.keys(c.claims).length) oauth.claims = renderTokenClaimsExpression(c.claims, c.path ?? this.route.path);
    if (Object.keys(c.forwardHeaders).length) oauth.forwardHeaders = { ...c.forwardHeaders };
    if (c.tokenStore) {
      const redis = c.tokenStore.redis;
      oauth.store = {
        ...(redis.keyPrefix ? { keyPrefix: redis.keyPrefix } : {}),
        secret: this.secret(c.tokenStore.encryptionKey),
        redis: {
          endpoints: [...redis.endpoints],
          ...(redis.username ? { username: this.secret(redis.username) } : {}),
          ...(redis.password ? { password: this.secret(redis.password) } : {}),
          ...(redis.database !== undefined ? { database: redis.database } : {}),
        },
      };
    }
    this.shared.push(traefikMiddleware(this.gateway, c.name, { plugin: { oAuthClientCredentials: oauth } }));
    return c.name;
  }

  headersMiddleware(headers: HeaderCredentialModel[], basics: BasicAuthCredentialModel[]): string {
    const name = routeObjectName(this.route.name, RouteObject.UPSTREAM_HEADERS);
    const set: Record<string, string> = {};
    for (const h of headers) set[h.name] = this.headerValue(h);
    for (const b of basics) set.Authorization = this.basicAuthValue(b);
    this.objects.push(traefikMiddleware(this.gateway, name, { headers: { customRequestHeaders: set } }));
    return name;
  }

  queryMiddleware(queries: QueryParamCredentialModel[]): string {
    const name = routeObjectName(this.route.name, RouteObject.UPSTREAM_QUERY);
    const set = queries.map((q) =>
      q.value.kind === 'requestHeader'
        ? { name: q.name, fromHeader: q.value.header }
        : { name: q.name, value: this.value(q.value, `upstreamAuth.queryParam(${q.name})`) },
    );
    this.objects.push(traefikMiddleware(this.gateway, name, { plugin: { queryParam: { set } } }));
    return name;
  }

  private headerValue(h: HeaderCredentialModel): string {
    const field = `upstreamAuth.header(${h.name})`;
    if (!h.prefix || h.value.kind !== 'secret') return h.prefix + this.value(h.value, field);
    return this.derived({ kind: 'prefixed', prefix: h.prefix, input: h.value.ref }, `${field}.prefix`);
  }

  private basicAuthValue(b: BasicAuthCredentialModel): string {
    const field = 'upstreamAuth.basicAuth';
    if (b.username.kind !== 'secret' || b.password.kind !== 'secret') {
      if (b.username.kind === 'unsafePlaintext' && b.password.kind === 'unsafePlaintext') {
        return `Basic ${Buffer.from(`${b.username.value}:${b.password.value}`).toString('base64')}`;
      }
      throw this.unsupported(field, 'mixes Secret and non-Secret values', 'take both username and password from SecretRefs');
    }
    const user = b.username.ref;
    const pass = b.password.ref;
    if (user.secretName !== pass.secretName) {
      throw this.unsupported(
        field,
        'takes username and password from two different Secrets; Traefik Hub needs the encoded "Basic ..." value in one Secret key',
        'keep both keys in one Secret (one secret-store source) so the ExternalSecret can compute the header there',
      );
    }
    return this.derived({ kind: 'basic', username: user, password: pass }, field);
  }

  private value(v: CredentialValueModel, field: string): string {
    switch (v.kind) {
      case 'secret':
        return this.secret(v.ref);
      case 'unsafePlaintext':
        return v.value;
      case 'requestHeader':
        throw this.unsupported(field, 'takes its value from a request header, which Traefik Hub cannot do here', 'use a SecretRef, or serve this API through ReferenceProxyGateway');
    }
  }

  private secret(ref: SecretRefModel): string {
    this.secretKeys.push({ kind: 'declared', ref });
    return toSecretUrn(ref);
  }

  private derived(value: DerivedValue, field: string): string {
    const at: ValueLocation = { path: this.route.path, field };
    const derived = derivedSecretKey(value);
    if (!derived.inputs.every((r) => r.source)) {
      throw this.unsupported(
        field,
        'needs a value computed from Secret keys (a prefix or Basic encoding), but the Secret is not synced by gatewright',
        'take the keys from a secret store (AwsSecretsManagerStore / OciVaultStore secretRef) so the ExternalSecret can compute it, or store the complete header value in the Secret and drop the prefix',
      );
    }
    this.secretKeys.push({ kind: 'derived', derived, template: derivedValueTemplate(derived, at) });
    return toSecretUrn(derived);
  }

  private unsupported(field: string, problem: string, fix: string): GatewrightError {
    return new GatewrightError({ code: ErrorCode.UNSUPPORTED_BY_ENGINE, path: this.route.path, field, problem, fix });
  }
}
