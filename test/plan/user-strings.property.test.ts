import { Chart, Testing } from 'cdk8s';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AwsSecretsManagerStore,
  ClientAuth,
  ErrorCode,
  ExternalNameBackend,
  GatewrightError,
  OathkeeperGateway,
  OAuth2ProxyAuth,
  SecretRef,
  SecuredApi,
  TraefikGateway,
  TraefikHubGateway,
  UpstreamCredential,
  UpstreamOAuth,
  type IGateway,
} from '../../src';
import { readCsvRecord } from '../support/grammars/csv-record';
import { callsOf, parseGoExpression } from '../support/grammars/go-expression';
import { splitGoTemplate } from '../support/grammars/go-template';
import { compileOathkeeperMatchUrl } from '../support/grammars/oathkeeper-match';
import { findObject, synthObjects, type KubeObject } from '../support/synth';

/**
 * Issue 10: a user value that reaches an engine grammar is escaped or refused — for every
 * user-facing field, through the whole pipeline (constructs → plan → renderer → manifest), not
 * just the grammar functions. For random and adversarial strings, either synth refuses naming
 * the field the string was given as, or the rendered rule, expression, match URL, template or
 * flag parses back to exactly the intended structure. Seeded and bounded.
 */
const RUNS = { numRuns: 120, seed: 20261201 };

/** Text built to break out of literals: every grammar's delimiters, quotes, controls, non-ASCII. */
const hostile = fc.oneof(
  fc.string({ unit: fc.constantFrom('`', '"', "'", '\\', '{', '}', '<', '>', ',', ' ', '.', '/', '(', ')', '&', '|', '!', '=', '%', '$', 'a', 'b', '-', '\n', 'é'), maxLength: 14 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);
const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/);
const validPath = fc.array(fc.stringMatching(/^[A-Za-z0-9\-._~!&',;=:@]{1,6}$/), { minLength: 1, maxLength: 3 }).map((segs) => `/${segs.join('/')}`).filter((p) => !p.split('/').some((s) => s === '.' || s === '..'));
/**
 * Characters the URL grammar's own checks let through, mixed with the delimiters of the engine
 * grammars: what reaches the renderers when a model check is missing.
 */
const breakout = fc.string({ unit: fc.constantFrom('`', '<', '>', '"', "'", ',', '&', '!', '=', 'a', '/', 'é', ':', '@', ';', '~', '-', '_'), minLength: 1, maxLength: 8 });
/** Paths that look right up to an adversarial tail (a breakout most often hides at the end). */
const pathish = fc.oneof(validPath, fc.tuple(validPath, breakout).map(([p, h]) => p + h), breakout.map((h) => `/${h}`), hostile.map((h) => `/${h}`));
/** Hosts likewise: valid names, valid names with a tail, and anything. */
const hostish = fc.oneof(label.map((l) => `${l}.example.com`), label.map((l) => `${l}.example.com`), fc.tuple(label, breakout).map(([l, h]) => `${l}.example.com${h}`), hostile);

/** Runs `declare`; a GatewrightError must be a refusal naming one of `fields`, anything else fails the property. */
function synthOrRefusal(declare: (chart: Chart) => void, fields: readonly string[]): KubeObject[] | undefined {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'gw' });
  try {
    declare(chart);
    return synthObjects(chart);
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(GatewrightError);
    const e = err as GatewrightError;
    expect([ErrorCode.INVALID_PROPS, ErrorCode.UNSUPPORTED_BY_ENGINE]).toContain(e.code);
    expect(fields.some((f) => e.field === f || e.field?.startsWith(`${f}.`) || e.field?.startsWith(`${f}[`)), `field ${e.field} is one of ${fields.join(', ')}`).toBe(true);
    return undefined;
  }
}

const jwt = (issuer = 'https://idp.example.com/') => ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer, audience: 'api' });

describe('user strings through the whole pipeline (property-based)', () => {
  it('Traefik and Traefik Hub: a route rule reads back as one Host and exactly the declared paths', () => {
    fc.assert(
      fc.property(hostish, pathish, fc.constantFrom('hub', 'oss'), (host, path, engine) => {
        const objects = synthOrRefusal((chart) => {
          const gateway: IGateway = engine === 'hub' ? new TraefikHubGateway(chart, 'gateway') : new TraefikGateway(chart, 'gateway');
          new SecuredApi(chart, 'api', { gateway, host, path, backend: new ExternalNameBackend(chart, 'b', { externalName: 'b.example.net' }), clientAuth: ClientAuth.none() });
        }, ['host', 'path']);
        if (!objects) return;
        const calls = callsOf(parseGoExpression(findObject(objects, 'IngressRoute', 'api').spec.routes[0].match));
        expect(calls.filter((c) => c.name === 'Host')).toEqual([{ name: 'Host', args: [host] }]);
        expect(calls.filter((c) => c.name !== 'Host')).toEqual(path === '/' ? [] : [{ name: 'Path', args: [path] }, { name: 'PathPrefix', args: [`${path}/`] }]);
      }),
      RUNS,
    );
  });

  it('Traefik Hub: issuer, scopes and claims keep one term each in the claims expression', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (issuer, scope, claim, value) => {
        const objects = synthOrRefusal((chart) => {
          new SecuredApi(chart, 'api', {
            gateway: new TraefikHubGateway(chart, 'gateway'),
            host: 'api.example.com',
            backend: new ExternalNameBackend(chart, 'b', { externalName: 'b.example.net' }),
            clientAuth: jwt(issuer),
            scopes: [scope],
            claims: { [claim]: value },
          });
        }, ['clientAuth', 'scopes', 'claims']);
        if (!objects) return;
        const calls = callsOf(parseGoExpression(findObject(objects, 'Middleware', 'api-jwt').spec.plugin.jwt.claims));
        expect(calls.filter((c) => c.name === 'Equals' && c.args[0] === 'iss')).toEqual([{ name: 'Equals', args: ['iss', issuer] }]);
        expect(calls.filter((c) => c.name === 'SplitContains' && c.args[0] === 'scope')).toEqual([{ name: 'SplitContains', args: ['scope', ' ', scope] }]);
        const key = claim.replace(/\\/g, '\\\\').replace(/\./g, '\\.');
        expect(calls.filter((c) => c.args[0] === key && (c.name === 'Equals' || c.name === 'OneOf'))).toEqual([
          { name: 'Equals', args: [key, value] },
          { name: 'OneOf', args: [key, value] },
        ]);
        // Nothing but gatewright's own terms: iss, exp, aud (two), scope (three), claim (two).
        expect(calls).toHaveLength(9);
      }),
      RUNS,
    );
  });

  it('Traefik Hub: UpstreamOAuth.claims keep one Equals term each (the issue: a claim value escaping into the expression)', () => {
    fc.assert(
      fc.property(hostile, hostile, (claim, value) => {
        const objects = synthOrRefusal((chart) => {
          const token = new UpstreamOAuth(chart, 'token', {
            tokenUrl: 'https://idp.example.com/token',
            clientId: SecretRef.fromSecret('c', 'id'),
            clientSecret: SecretRef.fromSecret('c', 's'),
            audience: 'https://api.example.com',
            claims: { [claim]: value },
          });
          new SecuredApi(chart, 'api', { gateway: new TraefikHubGateway(chart, 'gateway'), host: 'api.example.com', backend: new ExternalNameBackend(chart, 'b', { externalName: 'b.example.net' }), clientAuth: ClientAuth.none(), upstreamAuth: token });
        }, ['claims', 'upstreamAuth']);
        if (!objects) return;
        const calls = callsOf(parseGoExpression(findObject(objects, 'Middleware', 'token').spec.plugin.oAuthClientCredentials.claims));
        expect(calls).toEqual([{ name: 'Equals', args: [claim.replace(/\\/g, '\\\\').replace(/\./g, '\\.'), value] }]);
      }),
      RUNS,
    );
  });

  it('Oathkeeper: a match URL matches the declared host and prefix, below it, and nothing longer', () => {
    fc.assert(
      fc.property(hostish, pathish, (host, path) => {
        const objects = synthOrRefusal((chart) => {
          new SecuredApi(chart, 'api', { gateway: new OathkeeperGateway(chart, 'ok'), host, path, backend: new ExternalNameBackend(chart, 'b', { externalName: 'b.example.net' }), clientAuth: jwt() });
        }, ['host', 'path']);
        if (!objects) return;
        const rules = JSON.parse(findObject(objects, 'ConfigMap', 'ok-rules').data!['access-rules.json']) as { match: { url: string } }[];
        const re = compileOathkeeperMatchUrl(rules[0].match.url, 'regexp');
        const base = path === '/' ? '' : path;
        expect(re.test(`https://${host}${base}`) || path === '/').toBe(true);
        expect(re.test(`https://${host}${base}/x`)).toBe(true);
        if (path !== '/') expect(re.test(`https://${host}${base}x`)).toBe(false);
        expect(re.test(`https://x${host}${base}/x`)).toBe(false);
      }),
      RUNS,
    );
  });

  it('ExternalSecret templates: a header prefix stays literal text before the one synced key (the issue: "{{" reading other keys)', () => {
    fc.assert(
      fc.property(hostile, (prefix) => {
        const objects = synthOrRefusal((chart) => {
          const store = AwsSecretsManagerStore.fromClusterSecretStore('aws');
          const ref = store.secretRef({ remoteKey: 'okta', secretName: 'okta', key: 'token' });
          new SecuredApi(chart, 'api', {
            gateway: new TraefikHubGateway(chart, 'gateway'),
            host: 'api.example.com',
            backend: new ExternalNameBackend(chart, 'b', { externalName: 'b.example.net' }),
            clientAuth: ClientAuth.none(),
            upstreamAuth: UpstreamCredential.header('Authorization', ref, { prefix }),
          });
        }, ['upstreamAuth']);
        if (!objects) return;
        const template = findObject(objects, 'ExternalSecret', 'okta').spec.target?.template?.data as Record<string, string> | undefined;
        if (prefix === '') {
          expect(template).toBeUndefined();
          return;
        }
        const [only] = Object.values(template!);
        expect(splitGoTemplate(only)).toEqual([{ kind: 'text', text: prefix }, { kind: 'action', source: '(index . "token")' }]);
      }),
      RUNS,
    );
  });

  it('OAuth2 Proxy: every allowed group reads back as exactly one list element (the issue: "a,b" granting two groups)', () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 3 }), (groups) => {
        const objects = synthOrRefusal((chart) => {
          new OAuth2ProxyAuth(chart, 'auth', {
            issuerUrl: 'https://sso.apps.example.com/realms/apps',
            clientId: SecretRef.fromSecret('o', 'id'),
            clientSecret: SecretRef.fromSecret('o', 'secret'),
            cookieSecret: SecretRef.fromSecret('o', 'cookie'),
            cookieDomains: ['.apps.example.com'],
            redirectUrl: 'https://auth.apps.example.com/oauth2/callback',
            allowedGroups: groups,
          });
        }, ['allowedGroups']);
        if (!objects) return;
        const args: string[] = findObject(objects, 'Deployment', 'oauth2-proxy').spec.template.spec.containers[0].args;
        const read = args.filter((a) => a.startsWith('--allowed-group=')).flatMap((a) => readCsvRecord(a.slice('--allowed-group='.length)));
        expect(read).toEqual(groups);
      }),
      RUNS,
    );
  });
});
