/**
 * The kinds of request the harness generates from a route of the model. Declared
 * differences name these, so each is a stable, documented string.
 */
export enum CaseKind {
  /** An honest caller with everything the route requires: served at the right backend path. */
  ALLOWED = 'allowed',
  /** No credential at all: 401. */
  NO_CREDENTIAL = 'no-credential',
  /** A JWT signed with a key the JWKS does not publish (same `kid`): 401. */
  BAD_SIGNATURE = 'bad-signature',
  /** A JWT from another issuer: 401. */
  WRONG_ISSUER = 'wrong-issuer',
  /** A JWT for another audience: 401. */
  WRONG_AUDIENCE = 'wrong-audience',
  /** A JWT that expired ten minutes ago: 401. */
  EXPIRED = 'expired',
  /** A JWT that expired a few seconds ago, inside the model's clock tolerance: served. */
  EXPIRED_WITHIN_TOLERANCE = 'expired-within-clock-tolerance',
  /** A JWT without `exp`: the model requires one, 401. */
  WITHOUT_EXP = 'token-without-exp',
  /** A JWT without `kid` while the JWKS has one key for its algorithm: served. */
  WITHOUT_KID = 'token-without-kid',
  /** A JWT signed with another algorithm the route allows: served. */
  OTHER_ALLOWED_ALGORITHM = 'other-allowed-algorithm',
  /** A wrong API key: 401. */
  WRONG_API_KEY = 'wrong-api-key',
  /** A valid token without the route's scopes: 403. */
  MISSING_SCOPE = 'missing-scope',
  /** A method the route does not allow: 403 or 405, and never served by another route. */
  REFUSED_METHOD = 'refused-method',
  /** `<prefix>es` (`/echoes` next to `/echo`): not this route. */
  SIBLING_PATH = 'sibling-path',
  /** `<prefix>/../admin`: never escapes the route's prefix. */
  DOT_DOT = 'dot-dot-segment',
  /** `<prefix>/%2e%2e/admin`. */
  ENCODED_DOT_DOT = 'encoded-dot-dot',
  /** `/<prefix>` with a doubled leading slash. */
  DOUBLE_SLASH = 'double-slash',
  /** `<prefix>%2Fadmin`: an encoded slash. */
  ENCODED_SLASH = 'encoded-slash',
  /** The route's host in upper case (RFC 9110 §4.2.3: hosts compare without case): served. */
  HOST_UPPERCASE = 'host-uppercase',
  /** `Host: <host>:443` (a port in Host is legal, RFC 9110 §7.2): served. */
  HOST_WITH_PORT = 'host-with-port',
  /**
   * An honest call carrying spoofed `X-Forwarded-*` / `Forwarded`: a third-party backend
   * (`forwardingHeaders: 'hide'`) gets no forwarding header at all (nor Traefik's
   * `X-Replaced-Path`); an in-cluster one (`'overwrite'`) never the caller's values.
   */
  FORWARDING_HEADERS = 'forwarding-headers',
  /**
   * An honest call: the backend gets the `Host` the model says — the caller's with
   * `preserveHost`, else an external backend's own name (no `:443`). Not checked for
   * in-cluster Services without `preserveHost` (engines send the Service or pod address).
   */
  BACKEND_HOST = 'backend-host-header',
  /** The caller sends identity headers only the gateway may set (`X-Auth-Request-User`, ...): they never reach the backend. */
  IDENTITY_HEADER_SMUGGLING = 'identity-header-smuggling',
  /** The caller sends `X-Original-Url` / `X-HTTP-Method-Override`: refused, or never reach the backend. */
  REQUEST_OVERRIDE_HEADERS = 'request-override-headers',
  /** The backend answers later than the route's `timeoutSeconds`: 504 in time. */
  UPSTREAM_TIMEOUT = 'upstream-timeout',
  /** A body one byte over the route's `maxBodyBytes`: 413, reaching no backend. */
  BODY_TOO_LARGE = 'body-too-large',
  /** A body of exactly `maxBodyBytes`: served. */
  BODY_WITHIN_LIMIT = 'body-within-limit',

  /** Browser, no session: the first answer sends it to the identity provider (a redirect, not a 401 page). */
  BROWSER_SENT_TO_LOGIN = 'browser-sent-to-login',
  /** Browser: signs in at the identity provider and lands on the app, whose backend gets the `X-Auth-Request-*` identity. */
  BROWSER_SIGNS_IN = 'browser-signs-in',
  /** Browser: a second app on the same cookie domain is served without a second login. */
  BROWSER_SINGLE_SIGN_ON = 'browser-single-sign-on',
  /** Browser: the app's own 401 reaches the browser (not replaced by the sign-in page). */
  BROWSER_BACKEND_401 = 'browser-backend-401',
  /** Browser: after `/oauth2/sign_out` the app is not served until the next login. */
  BROWSER_LOGOUT = 'browser-logout',
  /**
   * The engine reports ready (Oathkeeper `/health/ready`, the chart's startup probe) with the
   * synthesized configuration, so a first deploy converges.
   */
  ENGINE_READY = 'engine-ready',
  /** The image the construct renders is the release the suite ran (a tag that exists). */
  PINNED_IMAGE = 'pinned-image-is-tested-release',
}
