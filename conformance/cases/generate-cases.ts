import { decodeJwt } from 'jose';
import type { ApiRouteModel, JwtClientAuthModel } from '../../src/model';
import type { JwtIssuer, TokenOptions } from '../identity/jwt-issuer';
import type { ClusterSecrets } from '../kubernetes/cluster-secrets';
import { CaseKind } from './case-kind';
import type { CaseRequest, ConformanceCase, ServedExpectation } from './conformance-case';
import { backendId, expectedBackendPath, expectedInjections, publicPath, requestHeaderValues, routeServing } from './route-expectations';

/** What case generation needs besides the route. */
export interface CaseContext {
  /** Namespace of the gateway serving the route (qualifies in-cluster backends). */
  readonly gatewayNamespace: string | undefined;
  /** Every route of the same gateway, to tell whether a trick path belongs to another route. */
  readonly siblings: readonly ApiRouteModel[];
  readonly secrets: ClusterSecrets;
  /** The caller-side issuer of each JWKS URL of the model. */
  readonly issuers: ReadonlyMap<string, JwtIssuer>;
}

/** Spoofed forwarding facts every allowed-like request carries; no backend may believe them. */
export const SPOOFED_CLIENT_ADDRESS = '198.51.100.7';
export const SPOOFED_HOST = 'spoofed.conformance.example';

/** The largest body a generated body-limit case sends. */
const MAX_BODY_CASE_BYTES = 1024 * 1024;

/** The longest backend delay a generated timeout case asks for. */
const MAX_TIMEOUT_CASE_SECONDS = 5;

/** The public path every allowed request asks for under the route's prefix. */
export const PROBE_SUFFIX = '/conformance-probe';

/**
 * Generates the requests of a route from the model alone: an honest call, each way to be
 * refused that the route's declarations imply (no credential; broken, foreign or expired
 * tokens; a missing scope; a method outside `methods`), path tricks against its prefix, host
 * spellings, and headers a caller must not be able to smuggle. Tokens are minted now, so
 * generate right before sending.
 */
export async function generateCases(route: ApiRouteModel, ctx: CaseContext): Promise<ConformanceCase[]> {
  if (route.clientAuth.kind === 'oidcSession') return []; // browser sessions: the OAuth2 Proxy flow covers them
  const cases: ConformanceCase[] = [];
  const host = route.host.startsWith('*.') ? `conformance.${route.host.slice(2)}` : route.host;
  const method = route.authorization.methods[0] ?? 'GET';
  const cookieValue = `conformance-caller-cookie-${route.name}`;
  const auth = route.clientAuth;
  const issuer = auth.kind === 'jwt' ? ctx.issuers.get(auth.jwksUrl) : undefined;
  if (auth.kind === 'jwt' && !issuer) throw new Error(`no issuer for ${auth.jwksUrl}`);
  const mint = (options: TokenOptions = {}, scopes: readonly string[] = route.authorization.scopes) =>
    issuer!.token(auth as JwtClientAuthModel, scopes, route.authorization.claims, options);

  const honestToken = auth.kind === 'jwt' ? await mint() : undefined;
  const apiKey = auth.kind === 'apiKey' ? ctx.secrets.value(auth.keys[0].secretName, auth.keys[0].key) : undefined;
  const credentialHeader = (token: string | undefined): [string, string][] => {
    if (auth.kind === 'jwt') return token === undefined ? [] : [['Authorization', `Bearer ${token}`]];
    if (auth.kind === 'apiKey') return token === undefined ? [] : [[auth.header, token]];
    return [];
  };
  const honest = auth.kind === 'jwt' ? honestToken : apiKey;

  const request = (over: { method?: string; host?: string; target?: string; credential?: string | null; extra?: [string, string][]; spoof?: boolean; body?: string } = {}): CaseRequest => {
    const m = over.method ?? method;
    const credential = over.credential === null ? undefined : (over.credential ?? honest);
    const headers: [string, string][] = [
      ...credentialHeader(credential),
      ['Cookie', `conformance-session=${cookieValue}`],
      ...(over.spoof
        ? ([
            ['X-Forwarded-For', SPOOFED_CLIENT_ADDRESS],
            ['X-Forwarded-Host', SPOOFED_HOST],
            ['X-Real-Ip', SPOOFED_CLIENT_ADDRESS],
            ['Forwarded', `for=${SPOOFED_CLIENT_ADDRESS};host=${SPOOFED_HOST}`],
          ] as [string, string][])
        : []),
      ...Object.entries(requestHeaderValues(route)),
      ...(over.extra ?? []),
    ];
    const hasBody = !['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(m);
    if (hasBody) headers.push(['Content-Type', 'application/json']);
    return { method: m, host: over.host ?? host, target: over.target ?? publicPath(route, PROBE_SUFFIX), headers, ...(hasBody ? { body: over.body ?? '{}' } : {}) };
  };

  const served = (token: string | undefined, path = publicPath(route, PROBE_SUFFIX), checks: { forwarding?: boolean; host?: boolean; forged?: [string, string][] } = {}): ServedExpectation => {
    const claims = token && auth.kind === 'jwt' ? decodeJwt(token) : {};
    const b = route.backend;
    const defaultPort = b.scheme === 'https' ? 443 : 80;
    const backendHost = b.kind === 'externalName' ? (b.port === defaultPort ? b.externalName : `${b.externalName}:${b.port}`) : undefined;
    return {
      backend: backendId(route.backend, ctx.gatewayNamespace),
      path: expectedBackendPath(route, path),
      injections: expectedInjections(route, ctx.secrets, claims),
      secretsOfCaller: token ? [token] : [],
      cookie: { value: cookieValue, forwarded: route.forwardCookies },
      ...(checks.forwarding ? { forwarding: { policy: route.forwardingHeaders, spoofed: [SPOOFED_CLIENT_ADDRESS, SPOOFED_HOST] } } : {}),
      ...(!checks.host ? {} : route.preserveHost ? { host } : backendHost ? { host: backendHost } : {}),
      ...(checks.forged ? { forgedHeaders: checks.forged } : {}),
    };
  };
  const add = (kind: CaseKind, req: CaseRequest, expect: ConformanceCase['expect'], variant?: string) =>
    cases.push({ id: `${route.name}/${kind}${variant ? `/${variant}` : ''}`, route: route.name, kind, ...(variant ? { variant } : {}), request: req, expect });
  const refused = (...statuses: number[]) => ({ outcome: 'refused' as const, statuses });

  add(CaseKind.ALLOWED, request(), { outcome: 'served', served: served(honest) });

  if (auth.kind === 'jwt') {
    add(CaseKind.NO_CREDENTIAL, request({ credential: null }), refused(401));
    add(CaseKind.BAD_SIGNATURE, request({ credential: await mint({ forged: true }) }), refused(401));
    add(CaseKind.WRONG_ISSUER, request({ credential: await mint({ claims: { iss: 'https://conformance-other-issuer.example/' } }) }), refused(401));
    add(CaseKind.WRONG_AUDIENCE, request({ credential: await mint({ claims: { aud: 'conformance-other-audience' } }) }), refused(401));
    const now = Math.floor(Date.now() / 1000);
    add(CaseKind.EXPIRED, request({ credential: await mint({ claims: { iat: now - 900, exp: now - 600 } }) }), refused(401));
    if (auth.clockToleranceSeconds >= 15) {
      // A third of the tolerance: late enough to be expired, early enough to stay inside it while the run goes on.
      const late = await mint({ claims: { iat: now - 120, exp: now - Math.floor(auth.clockToleranceSeconds / 3) } });
      add(CaseKind.EXPIRED_WITHIN_TOLERANCE, request({ credential: late }), { outcome: 'served', served: served(late) });
    }
    add(CaseKind.WITHOUT_EXP, request({ credential: await mint({ claims: { exp: undefined } }) }), refused(401));
    const noKid = await mint({ withKid: false });
    add(CaseKind.WITHOUT_KID, request({ credential: noKid }), { outcome: 'served', served: served(noKid) });
    for (const alg of auth.algorithms.slice(1)) {
      const other = await mint({ alg });
      add(CaseKind.OTHER_ALLOWED_ALGORITHM, request({ credential: other }), { outcome: 'served', served: served(other) }, alg);
    }
    if (route.authorization.scopes.length) {
      add(CaseKind.MISSING_SCOPE, request({ credential: await mint({}, ['conformance-unrelated-scope']) }), refused(403));
    }
  } else if (auth.kind === 'apiKey') {
    add(CaseKind.NO_CREDENTIAL, request({ credential: null }), refused(401));
    add(CaseKind.WRONG_API_KEY, request({ credential: 'conformance-wrong-api-key' }), refused(401));
  }

  const methods = route.authorization.methods;
  if (methods.length) {
    const other = ['DELETE', 'PATCH', 'PUT', 'POST', 'GET'].find((m) => !methods.includes(m as never));
    if (other) add(CaseKind.REFUSED_METHOD, request({ method: other }), refused(403, 405));
  }

  if (route.pathPrefix !== '/') {
    const contained = (path: string) => ({ outcome: 'contained' as const, served: served(honest, path), rewriteTarget: expectedBackendPath(route, route.pathPrefix) });
    const sibling = `${route.pathPrefix}es${PROBE_SUFFIX}`;
    // A trick only when no other route legitimately serves that path.
    if (!routeServing(ctx.siblings, host, sibling) || routeServing(ctx.siblings, host, sibling) === route) {
      add(CaseKind.SIBLING_PATH, request({ target: sibling }), contained(publicPath(route, PROBE_SUFFIX)));
    }
    add(CaseKind.DOT_DOT, request({ target: `${route.pathPrefix}/../conformance-admin` }), contained(publicPath(route, PROBE_SUFFIX)));
    add(CaseKind.ENCODED_DOT_DOT, request({ target: `${route.pathPrefix}/%2e%2e/conformance-admin` }), contained(publicPath(route, PROBE_SUFFIX)));
    add(CaseKind.DOUBLE_SLASH, request({ target: `/${route.pathPrefix}${PROBE_SUFFIX}` }), contained(publicPath(route, PROBE_SUFFIX)));
    add(CaseKind.ENCODED_SLASH, request({ target: `${route.pathPrefix}%2Fconformance-admin` }), contained(publicPath(route, PROBE_SUFFIX)));
  }

  if (!route.host.startsWith('*.')) {
    add(CaseKind.HOST_UPPERCASE, request({ host: host.toUpperCase() }), { outcome: 'served', served: served(honest) });
  }
  add(CaseKind.HOST_WITH_PORT, request({ host: `${host}:443` }), { outcome: 'served', served: served(honest) });

  const identity: [string, string][] = [
    ['X-Auth-Request-User', 'conformance-mallory'],
    ['X-Auth-Request-Email', 'mallory@conformance.example'],
    ['X-Forwarded-User', 'conformance-mallory'],
    ['Remote-User', 'conformance-mallory'],
  ];
  if (route.preserveHost || route.backend.kind === 'externalName') {
    add(CaseKind.BACKEND_HOST, request(), { outcome: 'served', served: served(honest, undefined, { host: true }) });
  }
  add(CaseKind.FORWARDING_HEADERS, request({ spoof: true }), { outcome: 'served', served: served(honest, undefined, { forwarding: true }) });
  add(CaseKind.IDENTITY_HEADER_SMUGGLING, request({ extra: identity }), { outcome: 'refusedOrClean', served: served(honest, undefined, { forged: identity }) });
  const overrides: [string, string][] = [
    ['X-Original-Url', '/conformance-admin'],
    ['X-Rewrite-Url', '/conformance-admin'],
    ['X-HTTP-Method-Override', 'DELETE'],
  ];
  add(CaseKind.REQUEST_OVERRIDE_HEADERS, request({ extra: overrides }), { outcome: 'refusedOrClean', served: served(honest, undefined, { forged: overrides }) });

  const timeout = route.timeoutSeconds;
  if (timeout !== undefined && timeout <= MAX_TIMEOUT_CASE_SECONDS) {
    const delay = timeout + 3;
    add(CaseKind.UPSTREAM_TIMEOUT, request({ target: publicPath(route, `/conformance-delay-${delay * 1000}`) }), {
      outcome: 'timeout',
      withinSeconds: timeout + 2,
      backendDelaySeconds: delay,
    });
  }
  const limit = route.maxBodyBytes;
  const bodyMethod = ['POST', 'PUT', 'PATCH'].find((m) => route.authorization.methods.length === 0 || route.authorization.methods.includes(m as never));
  if (limit !== undefined && bodyMethod && limit <= MAX_BODY_CASE_BYTES) {
    add(CaseKind.BODY_TOO_LARGE, request({ method: bodyMethod, body: 'x'.repeat(limit + 1) }), { outcome: 'refused', statuses: [413] });
    add(CaseKind.BODY_WITHIN_LIMIT, request({ method: bodyMethod, body: 'x'.repeat(limit) }), { outcome: 'served', served: served(honest) });
  }
  return cases;
}
