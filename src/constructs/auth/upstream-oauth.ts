import { Construct } from 'constructs';
import { dnsLabel, ErrorCode, GatewrightError, oauthClientCredentialsSchema, parseOrThrow, type UpstreamCredentialModel } from '../../model';
import { rejectPlaintext, SecretRef } from '../secrets/secret-ref';
import { toCredentialValueModel, type CredentialInput } from '../secrets/credential-value';
import type { IUpstreamCredential } from './upstream-credential';
import { keysOf, rejectUnknownProps } from '../props/check-props';

/** Redis (or Sentinel) store for tokens shared between gateway replicas. */
export interface RedisTokenStore {
  /** `host:port` endpoints. */
  readonly endpoints: readonly string[];
  /**
   * Redis ACL user name.
   * @default - no username
   */
  readonly username?: SecretRef;
  /**
   * Redis password.
   * @default - no password
   */
  readonly password?: SecretRef;
  /**
   * Redis database number.
   * @default 0
   */
  readonly database?: number;
  /**
   * Prefix of the keys tokens are stored under, so several gateways can share one Redis.
   * @default - the engine's default prefix
   */
  readonly keyPrefix?: string;
}

/** Where fetched tokens are shared between gateway replicas. */
export interface UpstreamOAuthTokenStore {
  /** A Redis (or Sentinel) deployment the gateway replicas share. */
  readonly redis: RedisTokenStore;
  /**
   * Key that encrypts tokens at rest in Redis (Traefik Hub `store.secret`, required by Hub
   * whenever a store is set). The Secret value must be 16, 24 or 32 characters long, e.g.
   * `openssl rand -hex 16`.
   */
  readonly encryptionKey: SecretRef;
}

/** Props of {@link UpstreamOAuth}. */
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
   * Share tokens between gateway replicas through Redis (Traefik Hub, reference proxy): one
   * token request per lifetime whatever the number of replicas.
   * @default - each replica caches its own token
   */
  readonly tokenStore?: UpstreamOAuthTokenStore;
  /**
   * Refresh ahead of expiry by a tenth of the token's lifetime, but at most this many seconds
   * (reference proxy).
   * @default 60
   */
  readonly refreshSkewSeconds?: number;
  /**
   * `token_type` values the token endpoint may answer with (compared without case); a token
   * of any other type is refused rather than sent as a bearer token (reference proxy).
   * @default ['Bearer']
   */
  readonly acceptedTokenTypes?: readonly string[];
  /**
   * Name of the generated token middleware.
   * @default - the construct id
   */
  readonly name?: string;
}

const UPSTREAM_O_AUTH_PROPS = keysOf<UpstreamOAuthProps>()(['tokenUrl', 'clientId', 'clientSecret', 'scopes', 'audience', 'claims', 'forwardHeaders', 'authMethod', 'tokenStore', 'refreshSkewSeconds', 'acceptedTokenTypes', 'name']);

/**
 * An OAuth2 client-credentials token that the gateway fetches, caches and refreshes, and
 * sends to the backend as `Authorization: Bearer <token>`. One UpstreamOAuth can serve many
 * SecuredApis: engines render it once.
 */
export class UpstreamOAuth extends Construct implements IUpstreamCredential {
  /** Name of the generated token middleware / cache entry. */
  readonly name: string;

  private readonly props: UpstreamOAuthProps;
  /** Validated once, at construction: every route that uses this credential shares it. */
  private readonly model: UpstreamCredentialModel;

  constructor(scope: Construct, id: string, props: UpstreamOAuthProps) {
    super(scope, id);
    rejectUnknownProps(props, UPSTREAM_O_AUTH_PROPS, this.node.path, 'UpstreamOAuth');
    this.name = parseOrThrow(dnsLabel, props.name ?? id, this.node.path, 'name');
    this.props = props;
    // Fail at construction, where the stack trace points at the user's line.
    this.model = this.validatedModel();
  }

  /** @internal */
  _toUpstreamModels(_usedBy: string): UpstreamCredentialModel[] {
    return [this.model];
  }

  private validatedModel(): UpstreamCredentialModel {
    const p = this.props;
    const path = this.node.path;
    const model = {
      kind: 'oauth2ClientCredentials' as const,
      name: this.name,
      path,
      tokenUrl: p.tokenUrl,
      clientId: toCredentialValueModel(p.clientId, path, 'clientId'),
      clientSecret: toCredentialValueModel(p.clientSecret, path, 'clientSecret'),
      scopes: (p.scopes ?? []).map((s, i) => {
        // A plain string scope is public by contract (reports print it); anything sensitive must
        // be a SecretRef. A CredentialValue would be indistinguishable from a public scope.
        if (typeof s === 'string') return { kind: 'unsafePlaintext' as const, value: s };
        if (!(s instanceof SecretRef)) {
          throw new GatewrightError({
            code: ErrorCode.INVALID_PROPS,
            path,
            field: `scopes[${i}]`,
            problem: 'must be a plain scope string or a SecretRef',
            fix: 'write public scopes as strings and keep sensitive ones in a Secret: SecretRef.fromSecret("<secret>", "<key>")',
          });
        }
        return toCredentialValueModel(s, path, `scopes[${i}]`);
      }),
      ...(p.audience ? { audience: p.audience } : {}),
      claims: { ...(p.claims ?? {}) },
      forwardHeaders: { ...(p.forwardHeaders ?? {}) },
      authMethod: p.authMethod ?? 'client_secret_basic',
      ...(p.tokenStore
        ? {
            tokenStore: {
              redis: {
                endpoints: [...p.tokenStore.redis.endpoints],
                ...(p.tokenStore.redis.username ? { username: redisSecretModel(p.tokenStore.redis.username, path, 'tokenStore.redis.username') } : {}),
                ...(p.tokenStore.redis.password ? { password: redisSecretModel(p.tokenStore.redis.password, path, 'tokenStore.redis.password') } : {}),
                ...(p.tokenStore.redis.database !== undefined ? { database: p.tokenStore.redis.database } : {}),
                ...(p.tokenStore.redis.keyPrefix ? { keyPrefix: p.tokenStore.redis.keyPrefix } : {}),
              },
              encryptionKey: redisSecretModel(p.tokenStore.encryptionKey, path, 'tokenStore.encryptionKey'),
            },
          }
        : {}),
      refreshSkewSeconds: p.refreshSkewSeconds ?? 60,
      ...(p.acceptedTokenTypes ? { acceptedTokenTypes: [...p.acceptedTokenTypes] } : {}),
    };
    return parseOrThrow(oauthClientCredentialsSchema, model, path);
  }
}

/** A Redis credential's model form; a string (JavaScript or a cast) is a plaintext secret. */
function redisSecretModel(ref: SecretRef, path: string, field: string): unknown {
  if (typeof (ref as unknown) === 'string') rejectPlaintext(path, field);
  // Anything else that is not a SecretRef goes on to the schema, which names the field.
  return ref instanceof SecretRef ? ref._toModel(path, field) : ref;
}
