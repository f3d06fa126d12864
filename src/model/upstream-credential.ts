import { z } from 'zod';
import { claimName, claimValue, headerName, headerText, httpsUrl, safeRecord } from './names';
import { credentialValueSchema, secretRefSchema, secretRefsOf, type SecretRefModel } from './secret-ref';

export const headerCredentialSchema = z.object({
  kind: z.literal('header'),
  name: headerName,
  value: credentialValueSchema,
  /** Literal text put before the value (`"SSWS "`, `"Bearer "`). Not a secret. */
  prefix: headerText.default(''),
});

export const queryParamCredentialSchema = z.object({
  kind: z.literal('queryParam'),
  name: z.string().min(1).regex(/^[A-Za-z0-9._~-]+$/, { message: 'must be a plain query parameter name, e.g. "api_key"' }),
  value: credentialValueSchema,
});

export const basicAuthCredentialSchema = z.object({
  kind: z.literal('basicAuth'),
  username: credentialValueSchema,
  password: credentialValueSchema,
});

export const redisTokenStoreSchema = z.object({
  /** `host:port` of the Redis server (one endpoint), or of the seed nodes of a Redis Cluster (several). */
  endpoints: z
    .array(z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):\d{1,5}$/, { message: 'must be "host:port", e.g. "redis.cache.svc:6379"' }))
    .min(1),
  username: secretRefSchema.optional(),
  password: secretRefSchema.optional(),
  database: z.number().int().min(0).optional(),
  /**
   * Prefix of every key the tokens are stored under.
   * @default - Traefik Hub's own; the reference proxy uses `gatewright:`
   */
  keyPrefix: z.string().optional(),
});

export const oauthClientCredentialsSchema = z.object({
  kind: z.literal('oauth2ClientCredentials'),
  /** Name of the generated token middleware / proxy token cache entry. */
  name: z.string().min(1),
  /** Construct path of the `UpstreamOAuth`, for errors and reports. */
  path: z.string().optional(),
  tokenUrl: httpsUrl('tokenUrl'),
  clientId: credentialValueSchema,
  clientSecret: credentialValueSchema,
  scopes: z.array(credentialValueSchema).default([]),
  audience: z.string().min(1).optional(),
  /** Claims expression the fetched token must satisfy (engine-neutral equality checks). */
  claims: safeRecord(claimName, claimValue).default({}),
  /** Claims of the fetched token forwarded as headers: header → claim. */
  forwardHeaders: safeRecord(headerName, claimName).default({}),
  /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
  authMethod: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
  tokenStore: z
    .object({
      redis: redisTokenStoreSchema,
      /** Encrypts tokens at rest in the store (16, 24 or 32 characters). */
      encryptionKey: secretRefSchema,
    })
    .optional(),
  /**
   * Refresh ahead of expiry by a tenth of the token's lifetime, but at most this many seconds.
   * Proportional, so a 10 s token is refreshed after 9 s (not after 5 s, which a fixed skew
   * capped at half the lifetime did: twice the token requests), and a 1 h token 60 s early.
   * @default 60
   */
  refreshSkewSeconds: z.number().int().min(0).max(3600).default(60),
  /**
   * `token_type` values accepted from the token endpoint, compared without case (RFC 6749
   * §5.1, §7.1). A token of another type (`mac`, `DPoP`) needs more than a bearer header, so it
   * is refused (502, logged) rather than sent as a bearer token; so is a response without one.
   * @default ['Bearer']
   */
  acceptedTokenTypes: z.array(z.string().min(1).regex(/^\S+$/, { message: 'a token type has no white space, e.g. "Bearer"' })).min(1).default(['Bearer']),
});

export const upstreamCredentialSchema = z.discriminatedUnion('kind', [
  headerCredentialSchema,
  queryParamCredentialSchema,
  basicAuthCredentialSchema,
  oauthClientCredentialsSchema,
]);
export type UpstreamCredentialModel = z.infer<typeof upstreamCredentialSchema>;
export type HeaderCredentialModel = z.infer<typeof headerCredentialSchema>;
export type QueryParamCredentialModel = z.infer<typeof queryParamCredentialSchema>;
export type BasicAuthCredentialModel = z.infer<typeof basicAuthCredentialSchema>;
export type OAuthClientCredentialsModel = z.infer<typeof oauthClientCredentialsSchema>;

/** Every Secret an upstream credential reads, in declaration order. */
export function secretRefsOfCredential(c: UpstreamCredentialModel): SecretRefModel[] {
  switch (c.kind) {
    case 'header':
    case 'queryParam':
      return secretRefsOf(c.value);
    case 'basicAuth':
      return [...secretRefsOf(c.username), ...secretRefsOf(c.password)];
    case 'oauth2ClientCredentials':
      return [
        ...secretRefsOf(c.clientId),
        ...secretRefsOf(c.clientSecret),
        ...c.scopes.flatMap(secretRefsOf),
        ...(c.tokenStore?.redis.username ? [c.tokenStore.redis.username] : []),
        ...(c.tokenStore?.redis.password ? [c.tokenStore.redis.password] : []),
        ...(c.tokenStore ? [c.tokenStore.encryptionKey] : []),
      ];
  }
}
