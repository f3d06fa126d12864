import { differs, no, yes, type EngineCapabilities } from './engine-capabilities';
import { Feature } from './feature';

/**
 * Open-source Traefik v3 with the reference proxy answering its `forwardAuth` sub-requests:
 * the proxy authenticates and authorizes the caller and returns the upstream credential in
 * response headers, which Traefik copies onto the request.
 */
export const TRAEFIK_CAPABILITIES: EngineCapabilities = {
  [Feature.JWT]: yes,
  [Feature.JWT_EDDSA]: yes,
  [Feature.JWT_SEVERAL_AUDIENCES]: yes,
  [Feature.JWT_CLAIM_VALUES]: yes,
  [Feature.JWT_FORWARD_CLAIMS]: yes,
  [Feature.JWT_REQUIRE_EXPIRY]: yes,
  [Feature.JWT_CLOCK_TOLERANCE]: yes,
  [Feature.JWT_WITHOUT_KID]: yes,
  [Feature.API_KEY]: yes,
  [Feature.OIDC_SESSION]: yes,
  [Feature.OIDC_SESSION_WITH_UPSTREAM_CREDENTIAL]: no('the reference proxy cannot vouch for a session another component checked, so it cannot hand out the upstream credential'),
  [Feature.PUBLIC]: yes,
  [Feature.SCOPES]: yes,
  [Feature.METHODS]: yes,
  [Feature.UPSTREAM_HEADER]: yes,
  [Feature.UPSTREAM_HEADER_PREFIX]: yes,
  [Feature.UPSTREAM_HEADER_FROM_REQUEST]: yes,
  [Feature.UPSTREAM_QUERY_PARAM]: no('a forwardAuth answer can only carry headers, so the proxy cannot add a parameter to the request URL'),
  [Feature.UPSTREAM_BASIC_AUTH]: yes,
  [Feature.UPSTREAM_OAUTH]: yes,
  [Feature.UPSTREAM_OAUTH_SCOPES]: yes,
  [Feature.UPSTREAM_OAUTH_TOKEN_STORE]: yes,
  [Feature.UPSTREAM_OAUTH_CLAIMS]: yes,
  [Feature.PATH_REWRITE]: yes,
  [Feature.REMOVE_CALLER_HEADERS]: yes,
  [Feature.HIDE_FORWARDING_HEADERS]: yes,
  [Feature.BACKEND_TLS_VERIFICATION]: yes,
  [Feature.UPSTREAM_TIMEOUT]: yes,
  [Feature.OVERLAPPING_PREFIXES]: yes,
  [Feature.ENCODED_SLASH]: yes,
  [Feature.BODY_LIMIT]: yes,
  [Feature.WEBSOCKET]: differs("Traefik proxies WebSocket connections but cannot close one when the caller's token expires: a connection outlives the JWT it was opened with"),
  [Feature.WEBSOCKET_REFUSED]: differs("Traefik forwards every Upgrade handshake; the reference proxy's forwardAuth answer refuses one on a route that does not allow WebSockets only if Traefik passes the Upgrade header to it, which is not checked against a running Traefik"),
};
