import type { App } from 'cdk8s';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsSecretsManagerStore, ClientAuth, ExternalNameBackend, UpstreamCredential, type HttpMethodName, type SecuredApiProps } from '../../src';
import { buildAccessReport, ChangeKind, CHANGES_RAISING, diffTopologies, FindingKind, reaches, renderTopologyDiff, severityRank, type Severity } from '../../src/report';
import { api, gatewayChart, topologyOf } from './support';

/** A topology with a public `/health` route and an authenticated `/orders` route, as declared. */
function shop(health: Partial<SecuredApiProps>, orders: Partial<SecuredApiProps> = {}) {
  return topologyOf((app) => {
    const g = gatewayChart(app);
    api(g.chart, g.gateway, 'health', { clientAuth: ClientAuth.none(), scopes: [], ...health });
    api(g.chart, g.gateway, 'orders', orders);
  });
}

describe('one severity model for report and diff', () => {
  it('rates a public /health route that starts accepting DELETE as HIGH in both', () => {
    const base = shop({ methods: ['GET'] });
    const head = shop({ methods: ['GET', 'DELETE'] });
    const report = buildAccessReport(head);
    const publicRoute = report.findings.find((f) => f.kind === FindingKind.PUBLIC_ROUTE)!;
    expect(publicRoute).toMatchObject({ severity: 'high', location: 'api.example.com/health' });

    const diff = diffTopologies(base, head);
    expect(diff.changes).toHaveLength(1);
    expect(diff.changes[0]).toMatchObject({
      kind: ChangeKind.METHODS_ADDED,
      severity: 'high',
      location: 'api.example.com/health',
      raises: [{ kind: FindingKind.PUBLIC_ROUTE, severity: 'high' }],
    });
    // The PR comment says why the change is high.
    expect(renderTopologyDiff(diff)).toContain('| HIGH | methods-added | `api.example.com/health`<br>test/gateway | methods added: DELETE<br>raises public-route (HIGH) |');
  });

  it('rates a backend moved to plain HTTP across the network as HIGH in both', () => {
    const head = shop({}, { backend: ExternalNameBackend.fromService('orders-backend', 'orders.example.net', { port: 80, scheme: 'http' }) });
    const finding = buildAccessReport(head).findings.find((f) => f.kind === FindingKind.HTTP_UPSTREAM);
    const change = diffTopologies(shop({}), head).changes.find((c) => c.kind === ChangeKind.BACKEND_CHANGED);
    expect(finding?.severity).toBe('high');
    expect(change?.severity).toBe('high');
  });

  it('attributes a credential now shared with a second backend to the change that shares it', () => {
    // The same upstream secret, sent to a second backend: no single route changed its own credential.
    const sharedKey = (app: App, both: boolean) => {
      const g = gatewayChart(app);
      const store = AwsSecretsManagerStore.fromClusterSecretStore('aws');
      const key = store.secretRef({ remoteKey: 'prod/key', property: 'k', secretName: 'key', key: 'k' });
      api(g.chart, g.gateway, 'a', { upstreamAuth: UpstreamCredential.header('X-Key', key) });
      api(g.chart, g.gateway, 'b', both ? { upstreamAuth: UpstreamCredential.header('X-Key', key) } : {});
    };
    const diff = diffTopologies(topologyOf((app) => sharedKey(app, false)), topologyOf((app) => sharedKey(app, true)));
    const kinds = diff.changes.map((c) => `${c.kind}:${c.severity}`);
    expect(kinds).toEqual(['upstream-credential-changed:medium', 'secret-source-changed:medium']);
    // Both changes on route b carry the shared-credential finding, so it is not repeated.
    expect(diff.changes.flatMap((c) => c.raises ?? []).map((r) => r.kind)).toContain(FindingKind.SHARED_CREDENTIAL);
  });

  /**
   * The property behind the model: whatever the pull request changes on a route (methods,
   * client auth, scopes), `diff --fail-on S` fails whenever the head's report has a finding at S
   * or above that the base's report did not have at that severity.
   */
  it('never lets a pull request raise a report finding past diff --fail-on (property)', () => {
    const methods = fc.subarray<HttpMethodName>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
    const route = fc.record({
      methods,
      isPublic: fc.boolean(),
      scopes: fc.subarray(['orders:read', 'orders:write']),
    });
    const props = (r: { methods: HttpMethodName[]; isPublic: boolean; scopes: string[] }): Partial<SecuredApiProps> =>
      r.isPublic ? { clientAuth: ClientAuth.none(), scopes: [], methods: r.methods } : { scopes: r.scopes, methods: r.methods };
    fc.assert(
      fc.property(route, route, route, route, (h0, o0, h1, o1) => {
        const base = shop(props(h0), props(o0));
        const head = shop(props(h1), props(o1));
        const before = new Map(buildAccessReport(base).findings.map((f) => [`${f.kind} ${f.location}`, f.severity]));
        const raised = buildAccessReport(head).findings.filter((f) => {
          const was = before.get(`${f.kind} ${f.location}`);
          return was === undefined || severityRank(f.severity) > severityRank(was);
        });
        const changes = diffTopologies(base, head).changes;
        // Attribution: a finding is reported on its own only when no change on its route can have raised it.
        for (const c of changes.filter((x) => x.kind === ChangeKind.FINDING_RAISED)) {
          const kind = c.raises![0].kind;
          const causes = changes.filter((x) => x.location === c.location && CHANGES_RAISING[kind].includes(x.kind));
          expect(causes, `${kind} at ${c.location} is reported alone although ${causes.map((x) => x.kind).join(', ')} raised it`).toEqual([]);
        }
        for (const threshold of ['low', 'medium', 'high'] as Severity[]) {
          const reportWorse = raised.some((f) => reaches(f.severity, threshold));
          const diffFails = changes.some((c) => reaches(c.severity, threshold));
          if (reportWorse) expect(diffFails, `threshold ${threshold}: ${JSON.stringify(raised)} vs ${JSON.stringify(changes)}`).toBe(true);
        }
      }),
      { numRuns: 60, seed: 1460 },
    );
  });
});
