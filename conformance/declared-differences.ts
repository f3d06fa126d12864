import { CaseKind } from './cases/case-kind';
import type { DeclaredDifference } from './declared-difference';
import { EngineName } from './engines/engine-names';

/**
 * Every difference the conformance suite accepts, with its reason. Data only: the lead moves
 * these into the engine capability table (issue 10), which will then render both the README
 * matrix and this list. A difference a renderer (or the reference proxy) can remove is not
 * declared here: it fails the suite until it is fixed.
 *
 * Engine facts are those of Oathkeeper v26.2.0, read in its source and confirmed by the suite.
 */
export const DECLARED_DIFFERENCES: readonly DeclaredDifference[] = [
  {
    engine: EngineName.OATHKEEPER,
    kind: CaseKind.MISSING_SCOPE,
    verdict: 'refused 401',
    reason:
      'Oathkeeper checks required scopes inside the jwt authenticator and wraps every verification failure, a missing scope included, as 401 (pipeline/authn/authenticator_jwt.go); 403 only comes from an authorizer, and none can read the token scopes without a remote service',
  },
  {
    engine: EngineName.OATHKEEPER,
    kind: CaseKind.EXPIRED_WITHIN_TOLERANCE,
    verdict: 'refused 401',
    reason:
      'Oathkeeper has no clock tolerance: golang-jwt is called without a leeway and no config key sets one (credentials/verifier_default.go), so clockToleranceSeconds cannot be rendered; stricter than the model, never looser',
  },
  {
    engine: EngineName.OATHKEEPER,
    kind: CaseKind.WITHOUT_EXP,
    verdict: 'served',
    reason:
      'Oathkeeper checks exp only when the token has one (no WithExpirationRequired, credentials/verifier_default.go) and has no option to require it; a token without exp is accepted until its key rotates. Issue 11 §2.6: a documented difference, to be listed as a report finding for Oathkeeper routes',
  },
  {
    engine: EngineName.OATHKEEPER,
    kind: CaseKind.WITHOUT_KID,
    verdict: 'refused 401',
    reason: 'Oathkeeper requires a kid header ("The JSON Web Token must contain a kid header value", credentials/verifier_default.go); stricter than the model, which accepts a token without kid when the key set is unambiguous',
  },
  {
    engine: EngineName.OATHKEEPER,
    kind: CaseKind.HOST_UPPERCASE,
    verdict: 'refused 404',
    reason:
      'Oathkeeper matches match.url against the Host header exactly as sent, case kept (proxy/proxy.go EnrichRequestedURL); RFC 9110 hosts compare without case. Issue 11 §2.11: documented host matching; the TLS-terminating ingress in front normally sends the lower-case name',
  },
  {
    engine: EngineName.OATHKEEPER,
    kind: CaseKind.HOST_WITH_PORT,
    verdict: 'refused 404',
    reason:
      'Oathkeeper matches match.url against the Host header exactly as sent, port kept (proxy/proxy.go EnrichRequestedURL), so `Host: api.example.com:443` matches no rule. Issue 11 §2.11: documented host matching',
  },
  ...['eddsa', 'slow'].map(
    (route): DeclaredDifference => ({
      engine: EngineName.OATHKEEPER,
      kind: CaseKind.ENCODED_SLASH,
      example: 'probe:fidelity',
      route,
      verdict: `served, but: escaped the prefix: backend path /${route}%2Fconformance-admin`,
      reason:
        'Oathkeeper matches the decoded, cleaned path (/x/admin is inside /x) but forwards the original RawPath when the upstream URL has no path and no strip_path (proxy/proxy.go), so the backend receives /x%2Fadmin: a split view for backends that do not decode %2F. With a rewrite (every example) the path is re-escaped and stays inside the prefix',
    }),
  ),
];
