import type { ClientAuthModel, JWT_ALGORITHMS } from '../../model';
import { keysOf, listProp, rejectUnknownProps } from '../props/check-props';
import { rejectPlaintext, SecretRef } from '../secrets/secret-ref';

/** Options for {@link ClientAuth.jwt}. */
export interface JwtClientAuthOptions {
  /** `https://` URL of the issuer's JWKS. */
  readonly jwksUrl: string;
  /** Required `iss` claim. */
  readonly issuer: string;
  /** Accepted `aud` value(s); a token must carry at least one. */
  readonly audience: string | readonly string[];
  /**
   * Accepted signature algorithms. Widen only on purpose: `none` and HMAC are never accepted
   * with a JWKS.
   * @default ['RS256']
   */
  readonly algorithms?: readonly (typeof JWT_ALGORITHMS)[number][];
  /**
   * Claims that must equal the given values (beyond iss/aud/scopes).
   * @default {}
   */
  readonly requiredClaims?: Readonly<Record<string, string>>;
  /**
   * Allowed clock skew for exp/nbf/iat, in seconds.
   * @default 30
   */
  readonly clockToleranceSeconds?: number;
  /**
   * Claims forwarded to the backend as request headers (header → claim), e.g.
   * `{ 'X-Subject': 'sub' }`.
   * @default - none
   */
  readonly forwardClaims?: Readonly<Record<string, string>>;
}

/** Options for {@link ClientAuth.apiKey}. */
export interface ApiKeyClientAuthOptions {
  /**
   * Request header carrying the key. It is removed before the request reaches the backend.
   * @default 'X-API-Key'
   */
  readonly header?: string;
  /**
   * Secret keys holding accepted API keys, one accepted key per ref. Store each as its
   * htpasswd SHA1 hash, `{SHA}<base64(sha1(key))>`: Traefik Hub's `apiKey` middleware and the
   * reference proxy both accept that form, so one Secret serves either engine, and the Secret
   * does not hold the key itself. Generate it with
   * `printf '{SHA}%s' "$(printf %s "$KEY" | openssl sha1 -binary | base64)"`. (Unsalted SHA1
   * is fine for long random API keys, not for passwords people choose.) The reference proxy
   * also accepts the plain key; Traefik Hub also accepts bcrypt hashes
   * (`htpasswd -nbB "" KEY | cut -c 2-`), which the proxy does not.
   */
  readonly keys: readonly SecretRef[];
}

/** Options for {@link ClientAuth.oidcSession}. */
export interface OidcSessionClientAuthOptions {
  /** In-cluster URL of the forward-auth endpoint (e.g. `http://oauth2-proxy.auth.svc/oauth2/auth`). */
  readonly authAddress: string;
  /** Name of the Traefik forwardAuth Middleware that calls it. */
  readonly middlewareName: string;
  /**
   * Namespace of that Middleware.
   * @default - the gateway's namespace
   */
  readonly middlewareNamespace?: string;
  /**
   * Headers copied from the auth response onto the request.
   * @default []
   */
  readonly responseHeaders?: readonly string[];
  /** Name of the session provider (for reports). */
  readonly provider: string;
}

const JWT_OPTIONS = keysOf<JwtClientAuthOptions>()(['jwksUrl', 'issuer', 'audience', 'algorithms', 'requiredClaims', 'clockToleranceSeconds', 'forwardClaims']);
const API_KEY_OPTIONS = keysOf<ApiKeyClientAuthOptions>()(['header', 'keys']);
const OIDC_SESSION_OPTIONS = keysOf<OidcSessionClientAuthOptions>()(['authAddress', 'middlewareName', 'middlewareNamespace', 'responseHeaders', 'provider']);

/**
 * How callers authenticate at the gateway. Every `SecuredApi` must choose one explicitly;
 * a public API says so with {@link ClientAuth.none}. Options are checked when a SecuredApi uses
 * them, so an error names that SecuredApi and the option as written (`clientAuth.audience`).
 */
export class ClientAuth {
  /** A bearer JWT verified against a JWKS, with issuer and audience pinned. */
  static jwt(options: JwtClientAuthOptions): ClientAuth {
    return new ClientAuth((usedBy) => {
      rejectUnknownProps(options, JWT_OPTIONS, usedBy, 'ClientAuth.jwt', 'clientAuth');
      const o: Partial<JwtClientAuthOptions> = options ?? {};
      return {
        kind: 'jwt',
        jwksUrl: o.jwksUrl,
        issuer: o.issuer,
        audience: typeof o.audience === 'string' ? [o.audience] : listProp(o.audience as readonly string[] | undefined, usedBy, 'clientAuth.audience', "['api.example.com']"),
        algorithms: o.algorithms === undefined ? ['RS256'] : listProp(o.algorithms, usedBy, 'clientAuth.algorithms', "['RS256']"),
        requiredClaims: o.requiredClaims ?? {},
        clockToleranceSeconds: o.clockToleranceSeconds ?? 30,
        forwardClaims: o.forwardClaims ?? {},
      } as ClientAuthModel;
    });
  }

  /** A static API key in a request header, checked against keys held in Secrets. */
  static apiKey(options: ApiKeyClientAuthOptions): ClientAuth {
    return new ClientAuth((usedBy) => {
      rejectUnknownProps(options, API_KEY_OPTIONS, usedBy, 'ClientAuth.apiKey', 'clientAuth');
      const given: readonly unknown[] = listProp(options?.keys as readonly unknown[] | undefined, usedBy, 'clientAuth.keys', '[SecretRef.fromSecret("api-keys", "partner-a")]');
      // A string here is an API key pasted into the code (JavaScript or a cast).
      given.forEach((k, i) => {
        if (typeof k === 'string') rejectPlaintext(usedBy, `clientAuth.keys[${i}]`);
      });
      const keys = given.map((k, i) => (k instanceof SecretRef ? k._toModel(usedBy, `clientAuth.keys[${i}]`) : k));
      return { kind: 'apiKey', header: options.header ?? 'X-API-Key', keys } as ClientAuthModel;
    });
  }

  /** A browser session checked by a forward-auth service such as OAuth2 Proxy. */
  static oidcSession(options: OidcSessionClientAuthOptions): ClientAuth {
    return new ClientAuth(
      (usedBy) => {
        rejectUnknownProps(options, OIDC_SESSION_OPTIONS, usedBy, 'ClientAuth.oidcSession', 'clientAuth');
        return {
          kind: 'oidcSession',
          authAddress: options.authAddress,
          responseHeaders: listProp(options.responseHeaders, usedBy, 'clientAuth.responseHeaders', "['X-Auth-Request-User']"),
          provider: options.provider,
        };
      },
      { name: options.middlewareName, ...(options.middlewareNamespace ? { namespace: options.middlewareNamespace } : {}) },
    );
  }

  /** No authentication: the API is public. Reports flag every such route. */
  static none(): ClientAuth {
    return new ClientAuth(() => ({ kind: 'none' }));
  }

  private constructor(
    private readonly produce: (usedBy: string) => ClientAuthModel,
    private readonly sessionMiddleware?: { readonly name: string; readonly namespace?: string },
  ) {}

  /** @internal the Traefik Middleware of a session provider, which Traefik gateways list */
  _sessionMiddleware(): { readonly name: string; readonly namespace?: string } | undefined {
    return this.sessionMiddleware;
  }

  /**
   * @internal validated by the SecuredApi that uses it, so errors name that construct
   * @param usedBy construct path of that SecuredApi, named in errors
   */
  _toModel(usedBy = 'ClientAuth'): ClientAuthModel {
    return this.produce(usedBy);
  }
}
