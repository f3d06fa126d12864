import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS, shopEnvironment } from '../../examples/multi-environment';
import { ClientAuth } from '../../src';
import { compareEnvironments, renderAccessReport } from '../../src/report';
import { api, gatewayChart, topologyOf } from './support';

const both = () =>
  topologyOf((app) => {
    shopEnvironment(app, ENVIRONMENTS.staging);
    shopEnvironment(app, ENVIRONMENTS.production);
  });

describe('environment comparison', () => {
  it('finds the policy of staging and production identical', () => {
    const c = compareEnvironments(both(), ['staging', 'production']);
    expect(c.policyIdentical).toBe(true);
    expect(c.policyDifferences).toEqual([]);
    expect(c.routesCompared).toBe(3);
  });

  it('lists exactly the intended differences: hosts, issuers, secret paths, backends, replicas', () => {
    const c = compareEnvironments(both(), ['staging', 'production']);
    const fields = [...new Set(c.intendedDifferences.map((d) => d.field))].sort();
    expect(fields).toEqual(['Authorization value source', 'backend', 'host', 'issuer', 'jwks url', 'namespace', 'replicas']);
    expect(c.intendedDifferences.find((d) => d.subject === 'Deployment orders-app' && d.field === 'replicas')?.values).toEqual({ staging: '1', production: '3' });
    const secret = c.intendedDifferences.find((d) => d.field === 'Authorization value source')!;
    expect(secret.values.staging).toContain('staging/shop/payments#api_key');
    expect(secret.values.production).toContain('production/shop/payments#api_key');
  });

  it('reports policy drift: a scope, a method and a route only one environment has', () => {
    const t = topologyOf((app) => {
      const s = gatewayChart(app, 'staging');
      api(s.chart, s.gateway, 'orders', { scopes: ['orders:read'], methods: ['GET'] });
      api(s.chart, s.gateway, 'debug', { clientAuth: ClientAuth.none(), scopes: [] });
      const p = gatewayChart(app, 'production');
      api(p.chart, p.gateway, 'orders', { scopes: ['orders'], methods: ['GET', 'POST'] });
    });
    const c = compareEnvironments(t, ['staging', 'production']);
    expect(c.policyIdentical).toBe(false);
    expect(c.policyDifferences.map((d) => `${d.subject} ${d.field}`)).toEqual(['gateway/debug route', 'gateway/orders methods', 'gateway/orders scopes']);
    expect(c.policyDifferences[0].values).toEqual({ staging: 'present', production: '(absent)' });
    const md = renderAccessReport(t, { environments: ['staging', 'production'] });
    expect(md).toContain('Policy **differs**');
    expect(md).toContain('### Policy differences');
  });

  it('says so when the named environments have no routes', () => {
    const md = renderAccessReport(both(), { environments: ['dev', 'qa'] });
    expect(md).toContain('No routes found in `dev`, `qa`');
    // A CI gate on the JSON must not read "identical" when nothing was compared.
    expect(compareEnvironments(both(), ['dev', 'qa'])).toMatchObject({ routesCompared: 0, policyIdentical: false });
  });
});
