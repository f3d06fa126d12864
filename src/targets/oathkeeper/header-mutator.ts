import {
  ErrorCode,
  GatewrightError,
  secretEnvName,
  type ApiRouteModel,
  type BasicAuthCredentialModel,
  type CredentialValueModel,
  type HeaderCredentialModel,
  type SecretRefModel,
} from '../../model';
import type { RenderedSecretKey } from '../rendered-secret-key';
import type { OathkeeperEnvBinding } from './access-rule';

/** What the `header` mutator of one rule sets, and what the container must provide for it. */
export interface RenderedHeaders {
  /** Header → Go template (Oathkeeper's header mutator: text/template + sprig). */
  readonly headers: Record<string, string>;
  readonly env: OathkeeperEnvBinding[];
  readonly secretKeys: RenderedSecretKey[];
}

/** The header Oathkeeper's `jwt` authenticator reads the caller's token from. */
export const CALLER_TOKEN_HEADER = 'Authorization';

/**
 * Headers for the `header` mutator: the caller's token (and, unless the route forwards them,
 * its cookies) blanked, claims forwarded, upstream credentials injected. Values come from the
 * environment (`{{ env "GW_SECRET_…" }}`, sprig's `env`), never from the manifests.
 *
 * Oathkeeper can only *set* headers, not delete them, so the caller's JWT is overwritten with
 * an empty value unless an upstream credential replaces `Authorization` anyway; the same holds
 * for `Cookie` when `forwardCookies` is false: the backend sees an empty `Cookie` header.
 *
 * A prefixed or Basic value whose Secret keys gatewright syncs is computed by the
 * ExternalSecret into its own key (same key names as the Traefik Hub engine), so the header is
 * one `{{ env }}` reference; for Secrets gatewright does not sync, Oathkeeper composes the value
 * at request time with sprig (`printf`, `b64enc`).
 */
export function renderHeaderMutator(route: ApiRouteModel): RenderedHeaders {
  const out = new HeaderCollector(route);
  // Not forwarded: like the caller's token, its cookies can only be blanked, so the backend
  // sees `Cookie:` with an empty value (which carries no cookie). An upstream credential that
  // sets `Cookie` itself overwrites the blank.
  if (!route.forwardCookies) out.set('Cookie', '', 'forwardCookies');
  if (route.clientAuth.kind === 'jwt') {
    out.set(CALLER_TOKEN_HEADER, '', 'clientAuth');
    for (const [header, claim] of Object.entries(route.clientAuth.forwardClaims)) {
      const expr = claim === 'sub' ? '.Subject' : `(index .Extra ${goString(claim)})`;
      out.set(header, `{{ print ${expr} }}`, `clientAuth.forwardClaims.${header}`, true);
    }
  }
  for (const c of route.upstreamAuth) {
    switch (c.kind) {
      case 'header':
        out.set(c.name, out.headerValue(c), `upstreamAuth.header(${c.name})`, true);
        break;
      case 'basicAuth':
        out.set('Authorization', out.basicValue(c), 'upstreamAuth.basicAuth', true);
        break;
      case 'queryParam':
        throw unsupported(
          route,
          `upstreamAuth.queryParam(${c.name})`,
          'adds a query parameter, which Oathkeeper cannot do (its mutators only set headers, cookies or an ID token)',
          'attach this API to the reference proxy gateway (ReferenceProxyGateway), or to Traefik Hub, which has a queryParam middleware',
        );
      case 'oauth2ClientCredentials':
        throw unsupported(
          route,
          `upstreamAuth(${c.name})`,
          'exchanges OAuth2 client credentials for an upstream token, which Oathkeeper cannot do (no mutator fetches tokens)',
          'attach this API to the reference proxy gateway (ReferenceProxyGateway), or to Traefik Hub (oAuthClientCredentials middleware)',
        );
    }
  }
  return { headers: out.headers, env: out.env, secretKeys: out.secretKeys };
}

class HeaderCollector {
  readonly headers: Record<string, string> = {};
  readonly env: OathkeeperEnvBinding[] = [];
  readonly secretKeys: RenderedSecretKey[] = [];
  private readonly owners = new Map<string, { name: string; field: string; final: boolean }>();

  constructor(private readonly route: ApiRouteModel) {}

  /** `final` headers may not be set twice; the blanked caller token may be overwritten. */
  set(name: string, value: string, field: string, final = false): void {
    const key = name.toLowerCase();
    const existing = this.owners.get(key);
    if (existing?.final) {
      throw new GatewrightError({
        code: ErrorCode.CONFLICT,
        path: this.route.path,
        field,
        problem: `sets header "${name}", which ${existing.field} already sets`,
        fix: 'set each header once: drop one of the two, or forward the claim under another header name',
      });
    }
    if (existing) delete this.headers[existing.name];
    this.owners.set(key, { name, field, final });
    this.headers[name] = value;
  }

  headerValue(h: HeaderCredentialModel): string {
    const field = `upstreamAuth.header(${h.name})`;
    const prefix = literal(h.prefix, this.route, field);
    if (h.value.kind === 'secret' && h.prefix && h.value.ref.source) {
      const ref = h.value.ref;
      return this.derived(ref, `${ref.key}-${slug(h.prefix)}header`, `${h.prefix}{{ index . "${ref.key}" }}`, [ref]);
    }
    switch (h.value.kind) {
      case 'secret':
        return `${prefix}{{ env ${goString(this.bind(h.value.ref))} }}`;
      case 'requestHeader':
        return `${prefix}{{ .MatchContext.Header.Get ${goString(h.value.header)} }}`;
      case 'unsafePlaintext':
        return `${prefix}${literal(h.value.value, this.route, field)}`;
    }
  }

  basicValue(b: BasicAuthCredentialModel): string {
    const field = 'upstreamAuth.basicAuth';
    const [u, p] = [b.username, b.password];
    if (u.kind === 'secret' && p.kind === 'secret' && u.ref.source && p.ref.source && u.ref.secretName === p.ref.secretName) {
      return this.derived(u.ref, 'basic-auth-header', `Basic {{ printf "%s:%s" (index . "${u.ref.key}") (index . "${p.ref.key}") | b64enc }}`, [u.ref, p.ref]);
    }
    return `Basic {{ printf "%s:%s" ${this.expression(u, field)} ${this.expression(p, field)} | b64enc }}`;
  }

  /** A Go template expression producing the value at request time. */
  private expression(v: CredentialValueModel, field: string): string {
    switch (v.kind) {
      case 'secret':
        return `(env ${goString(this.bind(v.ref))})`;
      case 'requestHeader':
        // MatchContext.Header is the caller's request header (Oathkeeper ≥ 0.38).
        return `(.MatchContext.Header.Get ${goString(v.header)})`;
      case 'unsafePlaintext':
        return goString(literal(v.value, this.route, field));
    }
  }

  private derived(base: SecretRefModel, key: string, template: string, inputs: SecretRefModel[]): string {
    this.secretKeys.push({ kind: 'derived', secretName: base.secretName, key, template, inputs });
    return `{{ env ${goString(this.envFor({ secretName: base.secretName, key }))} }}`;
  }

  /** A declared Secret key as an environment variable of the Oathkeeper container. */
  private bind(ref: SecretRefModel): string {
    this.secretKeys.push({ kind: 'declared', ref });
    return this.envFor(ref);
  }

  private envFor(ref: Pick<SecretRefModel, 'secretName' | 'key'>): string {
    const name = secretEnvName(ref);
    if (!this.env.some((e) => e.name === name)) this.env.push({ name, secretName: ref.secretName, key: ref.key });
    return name;
  }
}

/** A Go string literal; JSON's escaping is a subset of Go's. */
function goString(value: string): string {
  return JSON.stringify(value);
}

/** Literal text inside a header template must not open a template action of its own. */
function literal(value: string, route: ApiRouteModel, field: string): string {
  if (value.includes('{{') || value.includes('}}')) {
    throw unsupported(route, field, 'contains "{{" or "}}", which Oathkeeper would execute as a template', 'remove the braces from the literal text');
  }
  return value;
}

function slug(prefix: string): string {
  const s = prefix.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return s ? `${s}-` : '';
}

export function unsupported(route: ApiRouteModel, field: string, problem: string, fix: string): GatewrightError {
  return new GatewrightError({ code: ErrorCode.UNSUPPORTED_BY_ENGINE, path: route.path, field, problem, fix });
}
