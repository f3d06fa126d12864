import { differs, no, unconfirmed, weaker, yes, type EngineCapabilities } from './engine-capabilities';
import { Feature } from './feature';

/** Ory Oathkeeper: `jwt` authenticator, `allow` authorizer, `header` mutator, one rule per route. */
export const OATHKEEPER_CAPABILITIES: EngineCapabilities = {
  [Feature.JWT]: yes,
  [Feature.JWT_EDDSA]: no("Oathkeeper's jwt authenticator verifies RSA, RSA-PSS and ECDSA signatures only"),
  [Feature.JWT_SEVERAL_AUDIENCES]: no("`target_audience` requires a token to carry every listed audience, while gatewright accepts any one"),
  [Feature.JWT_CLAIM_VALUES]: no('the jwt authenticator checks issuer, audience and scopes, not other claim values'),
  [Feature.JWT_FORWARD_CLAIMS]: yes,
  [Feature.JWT_REQUIRE_EXPIRY]: weaker(
    'the jwt authenticator checks `exp` only when a token has one and has no option to require it (no WithExpirationRequired in credentials/verifier_default.go): a token without `exp` is accepted until its key rotates, and the report flags such routes',
    { case: 'token-without-exp', verdict: 'served' },
  ),
  [Feature.JWT_CLOCK_TOLERANCE]: differs(
    'the jwt authenticator has no clock tolerance (golang-jwt without leeway, no config key), so `clockToleranceSeconds` cannot be rendered: stricter than the model, never looser',
    { case: 'expired-within-clock-tolerance', verdict: 'refused 401' },
  ),
  [Feature.JWT_WITHOUT_KID]: differs(
    'the jwt authenticator refuses a token whose header names no `kid` ("The JSON Web Token must contain a kid header value"), and finds keys only with `"use": "sig"` in the JWKS: stricter than the model',
    { case: 'token-without-kid', verdict: 'refused 401' },
  ),
  [Feature.API_KEY]: no('Oathkeeper has no authenticator for static API keys'),
  [Feature.OIDC_SESSION]: no('gatewright wires OAuth2 Proxy sessions into Traefik only'),
  [Feature.OIDC_SESSION_WITH_UPSTREAM_CREDENTIAL]: no('gatewright wires OAuth2 Proxy sessions into Traefik only'),
  [Feature.PUBLIC]: yes,
  [Feature.SCOPES]: differs(
    'scopes are checked inside the jwt authenticator, which answers every failure, a missing scope included, with 401 (pipeline/authn/authenticator_jwt.go); only an authorizer answers 403, and none reads the token scopes without a remote service',
    { case: 'missing-scope', verdict: 'refused 401' },
  ),
  [Feature.METHODS]: yes,
  [Feature.UPSTREAM_HEADER]: yes,
  [Feature.UPSTREAM_HEADER_PREFIX]: yes,
  [Feature.UPSTREAM_HEADER_FROM_REQUEST]: yes,
  [Feature.UPSTREAM_QUERY_PARAM]: no('its mutators set headers, cookies or an ID token, never query parameters'),
  [Feature.UPSTREAM_BASIC_AUTH]: yes,
  [Feature.UPSTREAM_OAUTH]: no('no mutator fetches tokens'),
  [Feature.UPSTREAM_OAUTH_SCOPES]: no('no mutator fetches tokens'),
  [Feature.UPSTREAM_OAUTH_TOKEN_STORE]: no('no mutator fetches tokens'),
  [Feature.UPSTREAM_OAUTH_CLAIMS]: no('no mutator fetches tokens'),
  [Feature.PATH_REWRITE]: yes,
  [Feature.REMOVE_CALLER_HEADERS]: differs('the header mutator can only set headers: removed headers reach the backend empty'),
  [Feature.HIDE_FORWARDING_HEADERS]: differs('the header mutator can only set headers: forwarding headers reach the backend empty'),
  [Feature.BACKEND_TLS_VERIFICATION]: no('Oathkeeper checks an upstream certificate against the upstream URL\'s host with its system CAs'),
  [Feature.UPSTREAM_TIMEOUT]: no('Oathkeeper has no per-rule upstream timeout'),
  [Feature.OVERLAPPING_PREFIXES]: no('Oathkeeper has no rule priority and answers 500 when two rules match one request'),
  [Feature.ENCODED_SLASH]: weaker(
    'Oathkeeper matches the decoded, cleaned path but forwards the original escaping when the upstream URL has no path and no strip_path (proxy/proxy.go): `/x%2Fadmin` reaches the backend as is, inside the prefix for a backend that decodes it, a split view for one that does not; with a rewrite the path is re-escaped',
    // The probes serve route `<name>` at `/<name>` straight to the backend (no rewrite).
    { case: 'encoded-slash', verdict: 'served, but: escaped the prefix: backend path /{route}%2Fconformance-admin' },
  ),
  [Feature.BODY_LIMIT]: no('Oathkeeper has no request body limit'),
  [Feature.WEBSOCKET]: unconfirmed("Oathkeeper's proxy is Go's httputil.ReverseProxy, which passes upgrades, but it cannot close a connection when the token expires; not run here"),
  [Feature.WEBSOCKET_REFUSED]: differs('Oathkeeper forwards the Upgrade handshake of any request a rule allows'),
};
