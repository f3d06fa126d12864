import type { ApiRouteModel } from '../../model';
import { Feature } from './feature';

/** A feature a route uses, and the prop that asks for it, as the user wrote it. */
export interface FeatureUse {
  readonly feature: Feature;
  readonly field: string;
}

/**
 * The features `route` needs from its engine. Only what the route asks for explicitly counts:
 * a default the engine cannot honour (e.g. Oathkeeper has no per-route timeout) is a declared
 * difference, not a refusal.
 */
export function featuresOfRoute(route: ApiRouteModel): FeatureUse[] {
  const uses: FeatureUse[] = [];
  const use = (feature: Feature, field: string) => uses.push({ feature, field });
  const auth = route.clientAuth;
  switch (auth.kind) {
    case 'jwt':
      use(Feature.JWT, 'clientAuth');
      if (auth.algorithms.includes('EdDSA')) use(Feature.JWT_EDDSA, 'clientAuth.algorithms');
      if (auth.audience.length > 1) use(Feature.JWT_SEVERAL_AUDIENCES, 'clientAuth.audience');
      if (Object.keys(auth.requiredClaims).length) use(Feature.JWT_CLAIM_VALUES, 'clientAuth.requiredClaims');
      if (Object.keys(auth.forwardClaims).length) use(Feature.JWT_FORWARD_CLAIMS, 'clientAuth.forwardClaims');
      break;
    case 'apiKey':
      use(Feature.API_KEY, 'clientAuth');
      break;
    case 'oidcSession':
      use(Feature.OIDC_SESSION, 'clientAuth');
      if (route.upstreamAuth.length) use(Feature.OIDC_SESSION_WITH_UPSTREAM_CREDENTIAL, 'upstreamAuth');
      break;
    case 'none':
      use(Feature.PUBLIC, 'clientAuth');
      break;
  }
  if (Object.keys(route.authorization.claims).length) use(Feature.JWT_CLAIM_VALUES, 'claims');
  if (route.authorization.scopes.length) use(Feature.SCOPES, 'scopes');
  if (route.authorization.methods.length) use(Feature.METHODS, 'methods');
  for (const c of route.upstreamAuth) {
    switch (c.kind) {
      case 'header': {
        const field = `upstreamAuth.header(${c.name})`;
        if (c.value.kind === 'requestHeader') use(Feature.UPSTREAM_HEADER_FROM_REQUEST, field);
        else use(Feature.UPSTREAM_HEADER, field);
        if (c.prefix) use(Feature.UPSTREAM_HEADER_PREFIX, `${field}.prefix`);
        break;
      }
      case 'queryParam':
        use(Feature.UPSTREAM_QUERY_PARAM, `upstreamAuth.queryParam(${c.name})`);
        break;
      case 'basicAuth':
        use(Feature.UPSTREAM_BASIC_AUTH, 'upstreamAuth.basicAuth');
        break;
      case 'oauth2ClientCredentials': {
        const field = `upstreamAuth(${c.name})`;
        use(Feature.UPSTREAM_OAUTH, field);
        if (c.scopes.length) use(Feature.UPSTREAM_OAUTH_SCOPES, `${field}.scopes`);
        if (c.tokenStore) use(Feature.UPSTREAM_OAUTH_TOKEN_STORE, `${field}.tokenStore`);
        if (Object.keys(c.claims).length) use(Feature.UPSTREAM_OAUTH_CLAIMS, `${field}.claims`);
        break;
      }
    }
  }
  if (route.rewrite.kind !== 'none') use(Feature.PATH_REWRITE, 'endpoint');
  if (route.forwardingHeaders === 'hide') use(Feature.HIDE_FORWARDING_HEADERS, 'forwardingHeaders');
  if (route.timeoutSeconds !== undefined) use(Feature.UPSTREAM_TIMEOUT, 'timeoutSeconds');
  if (route.backend.kind === 'service' && route.backend.tls && (route.backend.tls.serverName || route.backend.tls.rootCa)) use(Feature.BACKEND_TLS_VERIFICATION, 'backend');
  if (route.maxBodyBytes !== undefined) use(Feature.BODY_LIMIT, 'maxBodyBytes');
  if (route.allowWebSocket) use(Feature.WEBSOCKET, 'allowWebSocket');
  return uses;
}

/**
 * What every route of this shape gets from the model without asking: the behaviours an engine
 * may not match (the model refuses tokens without `exp`, allows clock skew, removes caller
 * headers, keeps an encoded slash inside the prefix, times out after the default). An engine
 * that cannot is not refused for them — they are declared differences, which the access report
 * lists per route.
 */
export function implicitFeaturesOfRoute(route: ApiRouteModel): FeatureUse[] {
  const uses: FeatureUse[] = [];
  const use = (feature: Feature, field: string) => uses.push({ feature, field });
  if (route.clientAuth.kind === 'jwt') {
    use(Feature.JWT_REQUIRE_EXPIRY, 'clientAuth');
    use(Feature.JWT_WITHOUT_KID, 'clientAuth');
    if (route.clientAuth.clockToleranceSeconds > 0) use(Feature.JWT_CLOCK_TOLERANCE, 'clientAuth.clockToleranceSeconds');
  }
  use(Feature.REMOVE_CALLER_HEADERS, 'clientAuth');
  use(Feature.ENCODED_SLASH, 'path');
  if (route.timeoutSeconds === undefined) use(Feature.UPSTREAM_TIMEOUT, 'timeoutSeconds');
  if (!route.allowWebSocket) use(Feature.WEBSOCKET_REFUSED, 'allowWebSocket');
  return uses;
}
