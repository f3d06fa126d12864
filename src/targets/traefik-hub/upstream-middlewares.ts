import {
  ErrorCode,
  GatewrightError,
  toSecretUrn,
  type ApiRouteModel,
  type BasicAuthCredentialModel,
  type CredentialValueModel,
  type GatewayModel,
  type HeaderCredentialModel,
  type OAuthClientCredentialsModel,
  type QueryParamCredentialModel,
  type SecretRefModel,
} from '../../model';
import type { RenderedSecretKey } from '../rendered-secret-key';
import type { TraefikObject } from '../traefik-common/rendered-object';
import { metadataFor } from '../traefik-common/object-metadata';
import { claimKey } from './claims-expression';

export interface RenderedUpstream {
  readonly objects: TraefikObject[];
  readonly shared: TraefikObject[];
  /** The one middleware name the IngressRoute lists (a chain when several are needed). */
  readonly middlewareName?: string;
  readonly secretKeys: RenderedSecretKey[];
}

/**
 * Upstream credentials for Traefik Hub: static headers through a `headers` middleware whose
 * values are `urn:k8s:secret:` references, query parameters through Hub's `queryParam`
 * middleware, and tokens through `oAuthClientCredentials`. Several credentials become a
 * `chain`, so the IngressRoute lists exactly one upstream step.
 */
export function renderHubUpstream(gateway: GatewayModel, route: ApiRouteModel): RenderedUpstream {
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
    middlewareName = `${route.name}-upstream`;
    ctx.objects.push({
      kind: 'Middleware',
      name: middlewareName,
      props: { metadata: metadataFor(gateway, middlewareName), spec: { chain: { middlewares: steps.map((name) => ({ name })) } } },
    });
  }
  return { objects: ctx.objects, shared: ctx.shared, middlewareName, secretKeys: ctx.secretKeys };
}

class UpstreamContext {
  readonly objects: TraefikObject[] = [];
  readonly shared: TraefikObject[] = [];
  readonly secretKeys: RenderedSecretKey[] = [];

  constructor(
    private readonly gateway: GatewayModel,
    private readonly route: ApiRouteModel,
  ) {}

  oauthMiddleware(c: OAuthClientCredentialsModel): string {
    const oauth: Record<string, unknown> = {
      url: c.tokenUrl,
      clientID: this.value(c.clientId, 'upstreamAuth.clientId'),
      clientSecret: this.value(c.clientSecret, 'upstreamAuth.clientSecret'),
    };
    if (c.audience) oauth.audience = c.audience;
    if (c.scopes.length) oauth.scopes = c.scopes.map((s, i) => this.value(s, `upstreamAuth.scopes[${i}]`));
    const claimNames = Object.keys(c.claims).sort();
    if (claimNames.length) oauth.claims = claimNames.map((k) => `Equals(\`${claimKey(k)}\`, \`${c.claims[k]}\`)`).join(' && ');
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
    this.shared.push({
      kind: 'Middleware',
      name: c.name,
      props: { metadata: metadataFor(this.gateway, c.name), spec: { plugin: { oAuthClientCredentials: oauth } } },
    });
    return c.name;
  }

  headersMiddleware(headers: HeaderCredentialModel[], basics: BasicAuthCredentialModel[]): string {
    const name = `${this.route.name}-upstream-headers`;
    const set: Record<string, string> = {};
    for (const h of headers) set[h.name] = this.headerValue(h);
    for (const b of basics) set.Authorization = this.basicAuthValue(b);
    this.objects.push({
      kind: 'Middleware',
      name,
      props: { metadata: metadataFor(this.gateway, name), spec: { headers: { customRequestHeaders: set } } },
    });
    return name;
  }

  queryMiddleware(queries: QueryParamCredentialModel[]): string {
    const name = `${this.route.name}-upstream-query`;
    const set = queries.map((q) =>
      q.value.kind === 'requestHeader'
        ? { name: q.name, fromHeader: q.value.header }
        : { name: q.name, value: this.value(q.value, `upstreamAuth.queryParam(${q.name})`) },
    );
    this.objects.push({
      kind: 'Middleware',
      name,
      props: { metadata: metadataFor(this.gateway, name), spec: { plugin: { queryParam: { set } } } },
    });
    return name;
  }

  private headerValue(h: HeaderCredentialModel): string {
    if (h.value.kind === 'requestHeader') {
      throw this.unsupported(
        `upstreamAuth.header(${h.name})`,
        'copies a request header into another header, which the Traefik Hub headers middleware cannot do',
        'send it as a query parameter (CredentialValue.fromRequestHeader works there) or use the reference proxy gateway',
      );
    }
    if (!h.prefix) return this.value(h.value, `upstreamAuth.header(${h.name})`);
    if (h.value.kind === 'unsafePlaintext') return h.prefix + h.value.value;
    // A URN must be the whole value, so "SSWS <token>" is computed into its own Secret key.
    return this.derived(h.value.ref, `${h.value.ref.key}-${slug(h.prefix)}header`, `${h.prefix}{{ index . "${h.value.ref.key}" }}`, [h.value.ref], `upstreamAuth.header(${h.name})`);
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
      throw new GatewrightError({
        code: ErrorCode.UNSUPPORTED_BY_ENGINE,
        path: this.route.path,
        field,
        problem: `username (${user.secretName}) and password (${pass.secretName}) live in different Secrets; Traefik Hub needs the encoded "Basic ..." value in one Secret key`,
        fix: 'keep both keys in one Secret (one secret-store source) so gatewright can derive the header value there',
      });
    }
    return this.derived(
      user,
      'basic-auth-header',
      `Basic {{ printf "%s:%s" (index . "${user.key}") (index . "${pass.key}") | b64enc }}`,
      [user, pass],
      field,
    );
  }

  private value(v: CredentialValueModel, field: string): string {
    switch (v.kind) {
      case 'secret':
        return this.secret(v.ref);
      case 'unsafePlaintext':
        return v.value;
      case 'requestHeader':
        throw this.unsupported(field, 'takes its value from a request header, which Traefik Hub cannot do here', 'use a SecretRef');
    }
  }

  private secret(ref: SecretRefModel): string {
    this.secretKeys.push({ kind: 'declared', ref });
    return toSecretUrn(ref);
  }

  private derived(base: SecretRefModel, key: string, template: string, inputs: SecretRefModel[], field: string): string {
    if (!inputs.every((r) => r.source)) {
      throw new GatewrightError({
        code: ErrorCode.UNSUPPORTED_BY_ENGINE,
        path: this.route.path,
        field,
        problem: 'needs a value computed from Secret keys (a prefix or Basic encoding), but the Secret is not synced by gatewright',
        fix: 'take the keys from a secret store (AwsSecretsManagerStore / OciVaultStore secretRef) so the ExternalSecret can compute it, or store the complete header value in the Secret and drop the prefix',
      });
    }
    this.secretKeys.push({ kind: 'derived', secretName: base.secretName, key, template, inputs });
    return toSecretUrn({ secretName: base.secretName, key });
  }

  private unsupported(field: string, problem: string, fix: string): GatewrightError {
    return new GatewrightError({ code: ErrorCode.UNSUPPORTED_BY_ENGINE, path: this.route.path, field, problem, fix });
  }
}

function slug(prefix: string): string {
  const s = prefix.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return s ? `${s}-` : '';
}
