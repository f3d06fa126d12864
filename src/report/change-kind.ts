/** Every kind of change the security diff reports. */
export enum ChangeKind {
  ROUTE_ADDED = 'route-added',
  ROUTE_REMOVED = 'route-removed',
  BECAME_PUBLIC = 'became-public',
  NO_LONGER_PUBLIC = 'no-longer-public',
  CLIENT_AUTH_CHANGED = 'client-auth-changed',
  SCOPES_REMOVED = 'scopes-removed',
  SCOPES_WIDENED = 'scopes-widened',
  SCOPES_ADDED = 'scopes-added',
  CLAIMS_REMOVED = 'claims-removed',
  METHODS_ADDED = 'methods-added',
  METHODS_REMOVED = 'methods-removed',
  UPSTREAM_CREDENTIAL_CHANGED = 'upstream-credential-changed',
  SECRET_SOURCE_CHANGED = 'secret-source-changed',
  BACKEND_CHANGED = 'backend-changed',
  REWRITE_CHANGED = 'rewrite-changed',
  /** The caller's cookies now reach the backend (or no longer do). */
  COOKIES_CHANGED = 'cookies-changed',
  /** A finding the report raises (or raises higher) that no other change on its route accounts for. */
  FINDING_RAISED = 'finding-raised',
}
