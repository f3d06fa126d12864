import type { TraefikObject } from './rendered-object';

/** The API version of every traefik.io object gatewright writes. */
export const TRAEFIK_API_VERSION = 'traefik.io/v1alpha1';

/**
 * Field names the CRD's JSON spells otherwise than the TypeScript classes `cdk8s import`
 * generated (`authSigninUrl` is `authSigninURL` on the wire). Kept equal to the generated
 * converters by a test that reads imports/traefik.io.ts.
 */
export const TRAEFIK_JSON_FIELD_NAMES: Readonly<Record<string, string>> = {
  authSigninUrl: 'authSigninURL',
  customBrowserXssValue: 'customBrowserXSSValue',
  disableHttp2: 'disableHTTP2',
  forceStsHeader: 'forceSTSHeader',
  nativeLb: 'nativeLB',
  nodePortLb: 'nodePortLB',
  peerCertUri: 'peerCertURI',
};

/**
 * Fields whose value is a map with user-chosen keys (header names, plugin names): their keys
 * are data, never renamed, and their values are copied as they are. `parent.field` when the
 * field is a map only under that parent (`headers` is one under `healthCheck`, and a typed
 * object in a headers Middleware). Kept equal to the generated converters by the same test.
 */
export const TRAEFIK_MAP_FIELDS: ReadonlySet<string> = new Set(['customRequestHeaders', 'customResponseHeaders', 'healthCheck.headers', 'plugin', 'sslProxyHeaders', 'statusRewrites']);

/**
 * The JSON document of a rendered traefik.io object, exactly as the generated class's
 * `toJson()` would write it (undefined fields dropped, wire field names, int-or-string
 * wrappers unwrapped), built in one linear pass. The generated converters copy every object
 * through a quadratic `reduce` with spreads; for thousands of routes that was a third of
 * synth time.
 */
export function traefikObjectJson(object: TraefikObject): { apiVersion: string; kind: string; metadata: Record<string, unknown> } & Record<string, unknown> {
  const { metadata, ...rest } = object.props as unknown as { metadata: Record<string, unknown> } & Record<string, unknown>;
  return { apiVersion: TRAEFIK_API_VERSION, kind: object.kind, metadata, ...(jsonOf(rest, Copy.FIELDS) as Record<string, unknown>) };
}

/** How a value is copied: typed fields (wire names), a map (keys are data), or opaque data. */
const enum Copy {
  FIELDS,
  MAP,
  RAW,
}

const isMapField = (parent: string | undefined, key: string) => TRAEFIK_MAP_FIELDS.has(key) || (parent !== undefined && TRAEFIK_MAP_FIELDS.has(`${parent}.${key}`));

function jsonOf(value: unknown, mode: Copy, parent?: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => jsonOf(v, mode === Copy.RAW ? Copy.RAW : Copy.FIELDS, parent));
  const proto = Object.getPrototypeOf(value);
  // The generated int-or-string classes (`IngressRouteSpecRoutesServicesPort.fromNumber(443)`)
  // hold their JSON in `value`.
  if (mode === Copy.FIELDS && proto !== Object.prototype && proto !== null && 'value' in value) return (value as { value: unknown }).value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (mode === Copy.FIELDS) out[TRAEFIK_JSON_FIELD_NAMES[key] ?? key] = jsonOf(v, isMapField(parent, key) ? Copy.MAP : Copy.FIELDS, key);
    // A map's values (header values, plugin configuration) are copied as they are.
    else out[key] = jsonOf(v, Copy.RAW);
  }
  return out;
}
