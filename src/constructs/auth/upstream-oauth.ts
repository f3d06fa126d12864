import { Construct } from 'constructs';
import { dnsLabel, oauthClientCredentialsSchema, parseOrThrow, type UpstreamCredentialModel } from '../../model';
import type { SecretRef } from '../secrets/secret-ref';
import { toCredentialValueModel, type CredentialInput } from '../secrets/credential-value';
import type { IUpstreamCredential } from './upstream-credential';

/** Redis (or Sentinel) store for tokens shared between gateway replicas. */
export interface RedisTokenStore {
  /** `host:port` endpoints. */
  readonly endpoints: readonly string[];
  /** @default - no username */
  readonly username?: SecretRef;
  /** @default - no password */
  readonly password?: SecretRef;
  /** @default 0 */
  readonly database?: number;
  /** @default - engine default */
  readonly keyPrefix?: string;
}

export interface UpstreamOAuthProps {
  /** `https://` token endpoint of the authorization server. */
  readonly tokenUrl: string;
  /** Client id. A SecretRef keeps it out of the manifests like the secret. */
  readonly clientId: CredentialInput;
  /** Client secret: always a SecretRef. */
  readonly clientSecret: SecretRef;
  /**
   * Scopes requested for the token; a SecretRef entry keeps a sensitive scope string out of
   * the manifests.
   * @default - none (the authorization server's default)
   */
  readonly scopes?: readonly (string | SecretRef)[];
  /**
   * `audience` parameter of the token request (Auth0 and others).
   * @default - none
   */
  readonly audience?: string;
  /**
   * Claims the fetched token must carry with exactly these values.
   * @default {}
   */
  readonly claims?: Readonly<Record<string, string>>;
  /**
   * Claims of the fetched token copied into request headers (header → claim).
   * @default {}
   */
  readonly forwardHeaders?: Readonly<Record<string, string>>;
  /**
   * How the client authenticates at the token endpoint.
   * @default 'client_secret_basic'
   */
  readonly authMethod?: 'client_secret_basic' | 'client_secret_post';
  /**
   * Share tokens between gateway replicas through Redis (Traefik Hub).
   * @default - each replica caches its own token
   */
  readonly tokenStore?: { readonly redis: RedisTokenStore };
  /**
   * Refresh this many seconds before expiry (reference proxy).
   * @default 60
   */
  readonly refreshSkewSeconds?: number;
  /**
   * Name of the generated token middleware.
   * @default - the construct id
   */
  readonly name?: string;
}

/**
 * An OAuth2 client-credentials token that the gateway fetches, caches and refreshes, and
 * sends to the backend as `Authorization: Bearer <token>`. One UpstreamOAuth can serve many
 * SecuredApis: engines render it once.
 */
export class UpstreamOAuth extends Construct implements IUpstreamCredential {
  /** Name of the generated token middleware / cache entry. */
  readonly name: string;

  private readonly props: UpstreamOAuthProps;

  constructor(scope: Construct, id: string, props: UpstreamOAuthProps) {
    super(scope, id);
    this.name = parseOrThrow(dnsLabel, props.name ?? id, this.node.path, 'name');
    this.props = props;
    // Fail at construction, where the stack trace points at the user's line.
    this._toUpstreamModels(this.node.path);
  }

  /** @internal */
  _toUpstreamModels(_usedBy: string): UpstreamCredentialModel[] {
    const p = this.props;
    const path = this.node.path;
    const model = {
      kind: 'oauth2ClientCredentials' as const,
      name: this.name,
      tokenUrl: p.tokenUrl,
      clientId: toCredentialValueModel(p.clientId, path, 'clientId'),
      clientSecret: toCredentialValueModel(p.clientSecret, path, 'clientSecret'),
      scopes: (p.scopes ?? []).map((s, i) =>
        typeof s === 'string' ? { kind: 'unsafePlaintext' as const, value: s } : toCredentialValueModel(s, path, `scopes[${i}]`),
      ),
      ...(p.audience ? { audience: p.audience } : {}),
      claims: { ...(p.claims ?? {}) },
      forwardHeaders: { ...(p.forwardHeaders ?? {}) },
      authMethod: p.authMethod ?? 'client_secret_basic',
      ...(p.tokenStore
        ? {
            tokenStore: {
              redis: {
                endpoints: [...p.tokenStore.redis.endpoints],
                ...(p.tokenStore.redis.username ? { username: p.tokenStore.redis.username._toModel() } : {}),
                ...(p.tokenStore.redis.password ? { password: p.tokenStore.redis.password._toModel() } : {}),
                ...(p.tokenStore.redis.database !== undefined ? { database: p.tokenStore.redis.database } : {}),
                ...(p.tokenStore.redis.keyPrefix ? { keyPrefix: p.tokenStore.redis.keyPrefix } : {}),
              },
            },
          }
        : {}),
      refreshSkewSeconds: p.refreshSkewSeconds ?? 60,
    };
    return [parseOrThrow(oauthClientCredentialsSchema, model, path)];
  }
}
