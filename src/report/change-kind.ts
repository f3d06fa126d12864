/** Every kind of change the security diff reports. */
export enum ChangeKind {
  /** A route the base does not have. */
  ROUTE_ADDED = 'route-added',
  /** A route the head no longer has. */
  ROUTE_REMOVED = 'route-removed',
  /** The route no longer authenticates its callers. */
  BECAME_PUBLIC = 'became-public',
  /** A public route now requires client authentication. */
  NO_LONGER_PUBLIC = 'no-longer-public',
  /** Issuer, audience, algorithms, JWKS URL, required claims or accepted keys changed. */
  CLIENT_AUTH_CHANGED = 'client-auth-changed',
  /** A required scope is gone. */
  SCOPES_REMOVED = 'scopes-removed',
  /** Required scopes were replaced by others (possibly broader ones). */
  SCOPES_WIDENED = 'scopes-widened',
  /** A scope is now required in addition. */
  SCOPES_ADDED = 'scopes-added',
  /** A claim check was removed or changed. */
  CLAIMS_REMOVED = 'claims-removed',
  /** The route accepts more HTTP methods. */
  METHODS_ADDED = 'methods-added',
  /** The route accepts fewer HTTP methods. */
  METHODS_REMOVED = 'methods-removed',
  /** The kind or target of the credential sent to the backend changed. */
  UPSTREAM_CREDENTIAL_CHANGED = 'upstream-credential-changed',
  /** Where an upstream secret comes from changed (another secret-manager entry, a hand-made Secret, plaintext). */
  SECRET_SOURCE_CHANGED = 'secret-source-changed',
  /** The route calls another backend. */
  BACKEND_CHANGED = 'backend-changed',
  /** The path rewrite changed. */
  REWRITE_CHANGED = 'rewrite-changed',
  /** The caller's cookies now reach the backend (or no longer do). */
  COOKIES_CHANGED = 'cookies-changed',
  /** A finding the report raises (or raises higher) that no other change on its route accounts for. */
  FINDING_RAISED = 'finding-raised',
}
