import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, Chart, Testing } from 'cdk8s';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IngressRoute,
  IngressRouteSpecRoutesKind,
  IngressRouteSpecRoutesServicesKind,
  IngressRouteSpecRoutesServicesPort,
  Middleware,
  ServersTransport,
  ServersTransportSpecForwardingTimeoutsResponseHeaderTimeout,
} from '../../../imports/traefik.io';
import { TRAEFIK_JSON_FIELD_NAMES, TRAEFIK_MAP_FIELDS, traefikObjectJson } from '../../../src/targets/traefik-common/crd-json';
import type { TraefikObject } from '../../../src/targets/traefik-common/rendered-object';

const GENERATED = fs.readFileSync(path.join(__dirname, '../../../imports/traefik.io.ts'), 'utf8');

/** What the generated class writes for `object`, through cdk8s (the reference). */
function viaGeneratedClass(object: TraefikObject): unknown {
  const chart = new Chart(Testing.app(), 'c');
  if (object.kind === 'Middleware') new Middleware(chart, 'o', object.props);
  else if (object.kind === 'IngressRoute') new IngressRoute(chart, 'o', object.props);
  else new ServersTransport(chart, 'o', object.props);
  return Testing.synth(chart)[0];
}
function viaConverter(object: TraefikObject): unknown {
  const chart = new Chart(Testing.app(), 'c');
  new ApiObject(chart, 'o', traefikObjectJson(object));
  return Testing.synth(chart)[0];
}

describe('traefikObjectJson: the JSON the generated CRD classes write, in one pass', () => {
  it('renames exactly the fields the generated converters rename', () => {
    const renames = Object.fromEntries(
      [...GENERATED.matchAll(/^ {4}'([^']+)': obj\.([A-Za-z0-9_]+)/gm)].filter(([, json, ts]) => json !== ts).map(([, json, ts]) => [ts, json]),
    );
    expect(TRAEFIK_JSON_FIELD_NAMES).toEqual(renames);
    // No TypeScript name stands for two wire names.
    const pairs = new Set([...GENERATED.matchAll(/^ {4}'([^']+)': obj\.([A-Za-z0-9_]+)/gm)].filter(([, json, ts]) => json !== ts).map(([, json, ts]) => `${ts}=${json}`));
    expect(pairs.size).toBe(Object.keys(renames).length);
  });

  it('treats as maps exactly the fields the generated converters copy as maps, in the types they do', () => {
    // For each converter function: which of its fields are maps and which are not.
    const uses: { type: string; field: string; map: boolean }[] = [];
    for (const fn of GENERATED.split(/^export function toJson_/m).slice(1)) {
      const type = fn.slice(0, fn.indexOf('('));
      for (const m of fn.matchAll(/^ {4}'[^']+': (.*?)obj\.([A-Za-z0-9_]+)(.*)$/gm)) uses.push({ type, field: m[2], map: m[0].includes('Object.entries(obj.') });
    }
    const mapFields = [...new Set(uses.filter((u) => u.map).map((u) => u.field))];
    for (const field of mapFields) {
      const everywhere = uses.filter((u) => u.field === field).every((u) => u.map);
      if (everywhere) {
        expect(TRAEFIK_MAP_FIELDS.has(field), field).toBe(true);
      } else {
        // A map only under one parent: every map use is in a type named after it.
        const parents = [...TRAEFIK_MAP_FIELDS].filter((f) => f.endsWith(`.${field}`)).map((f) => f.split('.')[0]);
        expect(parents, field).toHaveLength(1);
        const suffix = parents[0][0].toUpperCase() + parents[0].slice(1);
        for (const u of uses.filter((x) => x.field === field)) expect(u.type.endsWith(suffix), `${u.type}.${field}`).toBe(u.map);
      }
    }
    expect(TRAEFIK_MAP_FIELDS.size).toBe(mapFields.length);
  });

  it('writes an IngressRoute with int-or-string ports, enums and optional fields like the generated class', () => {
    const object: TraefikObject = {
      kind: 'IngressRoute',
      name: 'r',
      props: {
        metadata: { name: 'r', namespace: 'gw' },
        spec: {
          entryPoints: ['websecure'],
          routes: [
            {
              kind: IngressRouteSpecRoutesKind.RULE,
              match: 'Host(`a.example.com`)',
              priority: 12,
              middlewares: [{ name: 'm' }, { name: 'n', namespace: undefined }],
              services: [{ kind: IngressRouteSpecRoutesServicesKind.SERVICE, name: 's', port: IngressRouteSpecRoutesServicesPort.fromNumber(443), nativeLb: true, serversTransport: 't' }],
            },
          ],
          tls: { certResolver: 'le', domains: [{ main: 'a.example.com' }] },
        },
      },
    };
    expect(viaConverter(object)).toEqual(viaGeneratedClass(object));
    expect((viaConverter(object) as any).spec.routes[0].services[0]).toEqual({ kind: 'Service', name: 's', port: 443, nativeLB: true, serversTransport: 't' });
  });

  it('writes a ServersTransport with its duration wrapper like the generated class', () => {
    const object: TraefikObject = {
      kind: 'ServersTransport',
      name: 't',
      props: { metadata: { name: 't' }, spec: { serverName: 'x.ns.svc', forwardingTimeouts: { responseHeaderTimeout: ServersTransportSpecForwardingTimeoutsResponseHeaderTimeout.fromString('30s') }, disableHttp2: true } },
    };
    expect(viaConverter(object)).toEqual(viaGeneratedClass(object));
  });

  it('copies header maps and plugin configuration as data, whatever their keys, like the generated class', () => {
    const headerName = fc.oneof(fc.constantFrom('authSigninUrl', 'nativeLb', 'forceStsHeader', 'Cookie', 'X-Forwarded-For'), fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/));
    fc.assert(
      fc.property(
        fc.dictionary(headerName, fc.string({ maxLength: 8 }), { noNullPrototype: true }),
        fc.dictionary(headerName, fc.oneof(fc.string({ maxLength: 5 }), fc.constant(undefined), fc.record({ forceStsHeader: fc.boolean(), nested: fc.constant(undefined) }, { noNullPrototype: true })), { noNullPrototype: true }),
        fc.option(fc.boolean(), { nil: undefined }),
        (requestHeaders, plugin, forceStsHeader) => {
          const headers: TraefikObject = { kind: 'Middleware', name: 'm', props: { metadata: { name: 'm' }, spec: { headers: { customRequestHeaders: requestHeaders, forceStsHeader } } } };
          expect(viaConverter(headers)).toEqual(viaGeneratedClass(headers));
          const pluginMiddleware: TraefikObject = { kind: 'Middleware', name: 'p', props: { metadata: { name: 'p' }, spec: { plugin: { jwt: plugin as Record<string, unknown> } } } };
          expect(viaConverter(pluginMiddleware)).toEqual(viaGeneratedClass(pluginMiddleware));
        },
      ),
      { numRuns: 150, seed: 1201 },
    );
  });
});
