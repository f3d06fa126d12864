import { z } from 'zod';
import { claimName, claimValue, headerName, httpsUrl, noControlCharacters, safeRecord } from './names';
import { secretRefSchema } from './secret-ref';

/** JWS algorithms a gateway may accept. `none` and HMAC with a public JWKS never appear here. */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

const ISSUER_REQUIRED = 'is required: pin the token issuer (the "iss" claim), e.g. "https://idp.example.com/"';
const AUDIENCE_REQUIRED = 'is required: pin at least one audience (the "aud" claim), e.g. "api.example.com"';

export const jwtClientAuthSchema = z.object({
  kind: z.literal('jwt'),
  jwksUrl: httpsUrl('jwksUrl'),
  issuer: z.string({ error: ISSUER_REQUIRED }).min(1, { message: ISSUER_REQUIRED }).refine(noControlCharacters, { message: 'must not contain control characters' }),
  audience: z
    .array(z.string().min(1).refine(noControlCharacters, { message: 'must not contain control characters' }), { error: AUDIENCE_REQUIRED })
    .min(1, { message: AUDIENCE_REQUIRED }),
  algorithms: z.array(z.enum(JWT_ALGORITHMS)).min(1).default(['RS256']),
  /** Exact-match claim checks beyond iss/aud/scope. */
  requiredClaims: safeRecord(claimName, claimValue).default({}),
  clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
  /** Claims copied to request headers for the backend: header → claim. */
  forwardClaims: safeRecord(headerName, claimName).default({}),
});
export type JwtClientAuthModel = z.infer<typeof jwtClientAuthSchema>;

export const apiKeyClientAuthSchema = z.object({
  kind: z.literal('apiKey'),
  header: headerName.default('X-API-Key'),
  /** A Secret key whose value is the accepted key (one key per ref). */
  keys: z.array(secretRefSchema).min(1, { message: 'needs at least one SecretRef holding an accepted key' }),
});
export type ApiKeyClientAuthModel = z.infer<typeof apiKeyClientAuthSchema>;

export const oidcSessionClientAuthSchema = z.object({
  kind: z.literal('oidcSession'),
  /** In-cluster address of the forward-auth endpoint (e.g. OAuth2 Proxy's `/oauth2/auth`). */
  authAddress: z.string().url({ message: 'must be an absolute URL of the forward-auth endpoint, e.g. "http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth"' }),
  /** Response headers copied onto the forwarded request. */
  responseHeaders: z.array(headerName).default([]),
  /** Name of the component providing the session: how gateways find its forward-auth step, and what reports show. */
  provider: z.string().min(1),
});
export type OidcSessionClientAuthModel = z.infer<typeof oidcSessionClientAuthSchema>;

export const noClientAuthSchema = z.object({ kind: z.literal('none') });

export const clientAuthSchema = z.discriminatedUnion('kind', [
  jwtClientAuthSchema,
  apiKeyClientAuthSchema,
  oidcSessionClientAuthSchema,
  noClientAuthSchema,
]);
export type ClientAuthModel = z.infer<typeof clientAuthSchema>;
export type ClientAuthInput = z.input<typeof clientAuthSchema>;
