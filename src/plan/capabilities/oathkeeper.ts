import { differs, no, yes, type EngineCapabilities } from './engine-capabilities';
import { Feature } from './feature';

/** Ory Oathkeeper: `jwt` authenticator, `allow` authorizer, `header` mutator, one rule per route. */
export const OATHKEEPER_CAPABILITIES: EngineCapabilities = {
  [Feature.JWT]: yes,
  [Feature.JWT_EDDSA]: no("Oathkeeper's jwt authenticator verifies RSA, RSA-PSS and ECDSA signatures only"),
  [Feature.JWT_SEVERAL_AUDIENCES]: no("`target_audience` requires a token to carry every listed audience, while gatewright accepts any one"),
  [Feature.JWT_CLAIM_VALUES]: no('the jwt authenticator checks issuer, audience and scopes, not other claim values'),
  [Feature.JWT_FORWARD_CLAIMS]: yes,
  [Feature.JWT_REQUIRE_EXPIRY]: differs('the jwt authenticator accepts a token without `exp`'),
  [Feature.JWT_CLOCK_TOLERANCE]: differs('the jwt authenticator has no clock-tolerance option'),
  [Feature.JWT_WITHOUT_KID]: differs('the jwt authenticator refuses a token whose header names no `kid`'),
  [Feature.API_KEY]: no('Oathkeeper has no authenticator for static API keys'),
  [Feature.OIDC_SESSION]: no('gatewright wires OAuth2 Proxy sessions into Traefik only'),
  [Feature.OIDC_SESSION_WITH_UPSTREAM_CREDENTIAL]: no('gatewright wires OAuth2 Proxy sessions into Traefik only'),
  [Feature.PUBLIC]: yes,
  [Feature.SCOPES]: yes,
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
  [Feature.UPSTREAM_TIMEOUT]: no('Oathkeeper has no per-rule upstream timeout'),
  [Feature.OVERLAPPING_PREFIXES]: no('Oathkeeper has no rule priority and answers 500 when two rules match one request'),
};
