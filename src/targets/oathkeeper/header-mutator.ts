import {
  ErrorCode,
  GatewrightError,
  type ApiRouteModel,
  type BasicAuthCredentialModel,
  type CredentialValueModel,
  type HeaderCredentialModel,
  type SecretRefModel,
} from '../../model';
import { derivedSecretKey, secretEnvName, type DerivedValue } from '../../plan/derived-secrets';
import { sameHeader, type RequestTransformation } from '../../plan/request-transformation';
import { derivedValueTemplate } from '../external-secrets/derived-value-template';
import { goStringLiteral, goTemplateText, type ValueLocation } from '../grammars';
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

/** How the Oathkeeper process treats forwarding headers (`serve.proxy.trust_forwarded_headers`). */
export interface OathkeeperForwarding {
  /**
   * False (the default): Oathkeeper itself deletes `Forwarded` and every `X-Forwarded-*` header
   * before mutators run, so they need no blanking.
   */
  readonly trustForwardedHeaders: boolean;
}

/**
 * The `header` mutator of a route: the plan's request transformation on Oathkeeper. Oathkeeper
 * can only *set* headers, never delete one, so every removal the plan asks for is an empty
 * value (the capability table declares that difference), except the forwarding headers
 * Oathkeeper already deletes itself. Then claims are forwarded and upstream credentials
 * injected, from the environment (`{{ env "GW_SECRET_…" }}`, sprig's `env`), never from the
 * manifests. A prefixed or Basic value whose Secret keys gatewright syncs is computed by the
 * ExternalSecret into the plan's derived key; for Secrets gatewright does not sync, Oathkeeper
 * composes it at request time with sprig (`printf`, `b64enc`).
 */
export function renderHeaderMutator(route: ApiRouteModel, transformation: RequestTransformation, forwarding: OathkeeperForwarding): RenderedHeaders {
  const out = new HeaderCollector(route);
  const deletedByOathkeeper = (h: string) => !forwarding.trustForwardedHeaders && (sameHeader(h, 'Forwarded') || h.toLowerCase().startsWith('x-forwarded-'));
  for (const r of transformation.remove) if (!deletedByOathkeeper(r.header)) out.set(r.header, '', `removal of ${r.header}`);
  if (route.clientAuth.kind === 'jwt') {
    for (const [header, claim] of Object.entries(route.clientAuth.forwardClaims)) {
      const at = { path: route.path, field: `clientAuth.forwardClaims.${header}` };
      const expr = claim === 'sub' ? '.Subject' : `(index .Extra ${goStringLiteral(claim, at)})`;
      out.set(header, `{{ print ${expr} }}`, at.field, true);
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
      default:
        // Query parameters and OAuth tokens: refused by the capability table before rendering.
        throw new GatewrightError({ code: ErrorCode.UNSUPPORTED_BY_ENGINE, path: route.path, field: 'upstreamAuth', problem: `has a ${c.kind} credential, which Oathkeeper cannot send` });
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

  /** `final` headers may not be set twice; a blanked header may be overwritten by one. */
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
    const at = this.at(`upstreamAuth.header(${h.name})`);
    if (h.value.kind === 'secret' && h.prefix && h.value.ref.source) {
      return this.derived({ kind: 'prefixed', prefix: h.prefix, input: h.value.ref }, this.at(`${at.field}.prefix`));
    }
    return `${goTemplateText(h.prefix, this.at(`${at.field}.prefix`))}{{ ${this.expression(h.value, at)} }}`;
  }

  basicValue(b: BasicAuthCredentialModel): string {
    const at = this.at('upstreamAuth.basicAuth');
    const [u, p] = [b.username, b.password];
    if (u.kind === 'secret' && p.kind === 'secret' && u.ref.source && p.ref.source && u.ref.secretName === p.ref.secretName) {
      return this.derived({ kind: 'basic', username: u.ref, password: p.ref }, at);
    }
    return `Basic {{ printf "%s:%s" ${this.expression(u, at)} ${this.expression(p, at)} | b64enc }}`;
  }

  private at(field: string): ValueLocation {
    return { path: this.route.path, field };
  }

  /** A Go template expression producing the value at request time. */
  private expression(v: CredentialValueModel, at: ValueLocation): string {
    switch (v.kind) {
      case 'secret':
        return `(env ${goStringLiteral(this.bind(v.ref), at)})`;
      case 'requestHeader':
        // MatchContext.Header holds the caller's request headers (Oathkeeper ≥ 0.38).
        return `(.MatchContext.Header.Get ${goStringLiteral(v.header, at)})`;
      case 'unsafePlaintext':
        return goStringLiteral(v.value, at);
    }
  }

  private derived(value: DerivedValue, at: ValueLocation): string {
    const derived = derivedSecretKey(value);
    this.secretKeys.push({ kind: 'derived', derived, template: derivedValueTemplate(derived, at) });
    return `{{ env ${goStringLiteral(this.envFor(derived), at)} }}`;
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
