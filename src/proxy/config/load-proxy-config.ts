import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ErrorCode, GatewrightError, parseOrThrow, proxyConfigSchema, type ProxyConfigModel } from '../../model';

/**
 * Reads and validates the proxy's config document (JSON, or YAML when the file name ends in
 * `.yaml`/`.yml`) with the very schema the `proxy` renderer used, then checks what the proxy
 * itself cannot execute. Throws a {@link GatewrightError} naming the file and the field.
 */
export function loadProxyConfig(file: string): ProxyConfigModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      path: file,
      problem: `cannot read the config file (${(err as NodeJS.ErrnoException).code ?? 'unknown error'})`,
      fix: 'pass an existing file with --config or GATEWRIGHT_CONFIG',
    });
  }
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch {
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      path: file,
      problem: 'is not valid JSON/YAML',
      fix: 'write the document the proxy renderer emits (renderProxyConfig)',
    });
  }
  return validateProxyConfig(raw, file);
}

/** Validates an already parsed config document; `where` names it in errors. */
export function validateProxyConfig(raw: unknown, where = 'proxy config'): ProxyConfigModel {
  const config = parseOrThrow(proxyConfigSchema, raw, where);
  config.routes.forEach((route, i) => {
    if (route.clientAuth.kind === 'oidcSession') {
      throw new GatewrightError({
        code: ErrorCode.UNSUPPORTED_BY_ENGINE,
        path: where,
        field: `routes.${i}.clientAuth.kind`,
        problem: `route "${route.name}" uses an OIDC browser session, which the reference proxy does not execute`,
        fix: 'put OAuth2 Proxy in front through forwardAuth, or use ClientAuth.jwt for API callers',
      });
    }
  });
  if (config.listen.port !== 0 && config.listen.port === config.listen.adminPort) {
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      path: where,
      field: 'listen.adminPort',
      problem: `is the traffic port (${config.listen.port}); health, readiness and metrics need a port of their own`,
      fix: 'choose another adminPort, e.g. 9090',
    });
  }
  const forwardAuthPort = config.listen.forwardAuthPort;
  if (config.forwardAuthEnabled !== false && forwardAuthPort !== 0 && (forwardAuthPort === config.listen.port || forwardAuthPort === config.listen.adminPort)) {
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      path: where,
      field: 'listen.forwardAuthPort',
      problem: `is the ${forwardAuthPort === config.listen.port ? 'traffic' : 'admin'} port (${forwardAuthPort}); forwardAuth answers carry upstream credentials and need a port only Traefik reaches`,
      fix: 'choose another forwardAuthPort, e.g. 8081',
    });
  }
  const names = new Set<string>();
  config.routes.forEach((route, i) => {
    if (names.has(route.name)) {
      throw new GatewrightError({
        code: ErrorCode.DUPLICATE_ROUTE,
        path: where,
        field: `routes.${i}.name`,
        problem: `route name "${route.name}" is used twice; forward-auth endpoints are addressed by name`,
        fix: 'give each route its own name',
      });
    }
    names.add(route.name);
  });
  // Two routes on one host and prefix: the proxy would silently serve only the first, which
  // may well be the less protected one.
  const places = new Map<string, string>();
  config.routes.forEach((route, i) => {
    const place = `${route.host.toLowerCase()} ${route.pathPrefix}`;
    const first = places.get(place);
    if (first !== undefined) {
      throw new GatewrightError({
        code: ErrorCode.DUPLICATE_ROUTE,
        path: where,
        field: `routes.${i}.pathPrefix`,
        problem: `route "${route.name}" serves ${route.host}${route.pathPrefix}, which route "${first}" already serves; only one of them could ever be reached`,
        fix: 'merge the two routes, or give one of them another host or path prefix',
      });
    }
    places.set(place, route.name);
  });
  return config;
}
