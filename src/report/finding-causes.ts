import { ChangeKind } from './change-kind';
import { FindingKind } from './findings';

/**
 * The one severity model `report` and `diff` share: a finding's severity (from `findings()`)
 * is what a state of the topology is worth, and a change is worth at least the severity of
 * every finding it raises. So making the public `/health` route accept `DELETE` is HIGH in
 * both: the report raises `public-route` HIGH for it, and the diff's `methods-added` on that
 * route carries that HIGH.
 *
 * This table says which changes to a route can raise each finding on it. A raised finding no
 * change accounts for (e.g. a credential now shared with another backend) is reported by the
 * diff on its own, as `finding-raised`.
 */
export const CHANGES_RAISING: Readonly<Record<FindingKind, readonly ChangeKind[]>> = {
  [FindingKind.PUBLIC_ROUTE]: [ChangeKind.ROUTE_ADDED, ChangeKind.BECAME_PUBLIC, ChangeKind.METHODS_ADDED],
  [FindingKind.ROUTE_WITHOUT_SCOPES]: [ChangeKind.ROUTE_ADDED, ChangeKind.SCOPES_REMOVED, ChangeKind.SCOPES_WIDENED, ChangeKind.CLAIMS_REMOVED, ChangeKind.CLIENT_AUTH_CHANGED],
  [FindingKind.SCOPE_SHARED_READ_WRITE]: [
    ChangeKind.ROUTE_ADDED,
    ChangeKind.METHODS_ADDED,
    ChangeKind.SCOPES_REMOVED,
    ChangeKind.SCOPES_WIDENED,
    ChangeKind.SCOPES_ADDED,
    ChangeKind.CLIENT_AUTH_CHANGED,
  ],
  [FindingKind.WILDCARD_METHODS]: [ChangeKind.ROUTE_ADDED, ChangeKind.METHODS_ADDED],
  [FindingKind.SHARED_CREDENTIAL]: [ChangeKind.ROUTE_ADDED, ChangeKind.UPSTREAM_CREDENTIAL_CHANGED, ChangeKind.SECRET_SOURCE_CHANGED, ChangeKind.BACKEND_CHANGED],
  [FindingKind.HTTP_UPSTREAM]: [ChangeKind.ROUTE_ADDED, ChangeKind.BACKEND_CHANGED, ChangeKind.UPSTREAM_CREDENTIAL_CHANGED],
  [FindingKind.SECRET_WITHOUT_SOURCE]: [ChangeKind.ROUTE_ADDED, ChangeKind.SECRET_SOURCE_CHANGED, ChangeKind.UPSTREAM_CREDENTIAL_CHANGED, ChangeKind.CLIENT_AUTH_CHANGED],
  [FindingKind.PLAINTEXT_CREDENTIAL]: [ChangeKind.ROUTE_ADDED, ChangeKind.SECRET_SOURCE_CHANGED, ChangeKind.UPSTREAM_CREDENTIAL_CHANGED],
  // Raised by NetworkPolicies and listeners, not by one route's change: reported as finding-raised.
  [FindingKind.FORWARD_AUTH_EXPOSED]: [],
  [FindingKind.CROSS_NAMESPACE_REFERENCE]: [ChangeKind.ROUTE_ADDED, ChangeKind.BACKEND_CHANGED],
  [FindingKind.ENGINE_DIFFERENCE]: [ChangeKind.ROUTE_ADDED, ChangeKind.CLIENT_AUTH_CHANGED, ChangeKind.UPSTREAM_CREDENTIAL_CHANGED, ChangeKind.REWRITE_CHANGED],
};
