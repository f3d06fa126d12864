import { differs, no, unconfirmed, yes, type EngineCapabilities } from './engine-capabilities';
import { Feature } from './feature';

/**
 * Traefik Hub API Gateway. Closed source: what is not `yes` or `no` here is rendered as Hub's
 * reference documentation describes and marked `unconfirmed`, because no engine could check it.
 */
export const TRAEFIK_HUB_CAPABILITIES: EngineCapabilities = {
  [Feature.JWT]: yes,
  [Feature.JWT_EDDSA]: unconfirmed("Hub's jwt middleware documents no algorithm list; the JWKS key's own `alg` decides"),
  [Feature.JWT_SEVERAL_AUDIENCES]: yes,
  [Feature.JWT_CLAIM_VALUES]: yes,
  [Feature.JWT_FORWARD_CLAIMS]: yes,
  [Feature.JWT_REQUIRE_EXPIRY]: unconfirmed(
    'Hub checks `exp` only when present; gatewright adds ``Prefix(`exp`, ``)`` to the claims expression, which requires the claim on the reading that Hub compares claim values as text (its docs compare the boolean `active` with `Equals(`active`, `true`)`)',
  ),
  [Feature.JWT_CLOCK_TOLERANCE]: differs('Hub has no clock-tolerance option: `exp`/`nbf`/`iat` are checked without leeway'),
  [Feature.JWT_WITHOUT_KID]: yes,
  [Feature.API_KEY]: yes,
  [Feature.OIDC_SESSION]: yes,
  [Feature.OIDC_SESSION_WITH_UPSTREAM_CREDENTIAL]: yes,
  [Feature.PUBLIC]: yes,
  [Feature.SCOPES]: yes,
  [Feature.METHODS]: yes,
  [Feature.UPSTREAM_HEADER]: unconfirmed('Hub documents `urn:k8s:secret:` references for its own plugins; that its `headers` middleware resolves them is not documented'),
  [Feature.UPSTREAM_HEADER_PREFIX]: unconfirmed('the prefixed value is computed by the ExternalSecret into its own key, then referenced like a static header'),
  [Feature.UPSTREAM_HEADER_FROM_REQUEST]: no('the headers middleware sets literal values only'),
  [Feature.UPSTREAM_QUERY_PARAM]: unconfirmed('`urn:k8s:secret:` resolution inside `queryParam` values is not documented'),
  [Feature.UPSTREAM_BASIC_AUTH]: unconfirmed('the `Basic …` value is computed by the ExternalSecret into its own key, then referenced like a static header'),
  [Feature.UPSTREAM_OAUTH]: yes,
  [Feature.UPSTREAM_OAUTH_SCOPES]: unconfirmed('`oAuthClientCredentials` documents no `scopes` option'),
  [Feature.UPSTREAM_OAUTH_TOKEN_STORE]: yes,
  [Feature.UPSTREAM_OAUTH_CLAIMS]: yes,
  [Feature.PATH_REWRITE]: yes,
  [Feature.REMOVE_CALLER_HEADERS]: yes,
  [Feature.HIDE_FORWARDING_HEADERS]: unconfirmed('rendered as for open-source Traefik, whose behaviour the conformance suite checks'),
  [Feature.BACKEND_TLS_VERIFICATION]: yes,
  [Feature.UPSTREAM_TIMEOUT]: yes,
  [Feature.OVERLAPPING_PREFIXES]: yes,
  [Feature.ENCODED_SLASH]: yes,
  [Feature.BODY_LIMIT]: unconfirmed("rendered as Traefik's `buffering` middleware, which Hub includes; checked against open-source Traefik only"),
  [Feature.WEBSOCKET]: differs("Hub proxies WebSocket connections but cannot close one when the caller's token expires"),
  [Feature.WEBSOCKET_REFUSED]: differs('Hub forwards every Upgrade handshake: a route cannot refuse WebSockets'),
};
