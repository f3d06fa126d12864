import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ClientAuth, ExternalNameBackend, SecuredApi, ServiceBackend, TraefikHubGateway, type SecuredApiProps } from '../../src';
import { apiRouteSchema } from '../../src/model';

function setup() {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'gw' });
  const gateway = new TraefikHubGateway(chart, 'gateway');
  const external = new ExternalNameBackend(chart, 'jira-backend', { externalName: 'example.atlassian.net' });
  const inCluster = ServiceBackend.fromServiceName('orders', { port: 8080, scheme: 'http' });
  const api = (id: string, props: Partial<SecuredApiProps>) =>
    new SecuredApi(chart, id, { gateway, host: 'api.example.com', path: `/${id}`, backend: external, clientAuth: ClientAuth.none(), ...props });
  return { api, external, inCluster };
}

describe('SecuredApi forwardCookies', () => {
  it('defaults to false for an ExternalNameBackend: a third party never gets the caller cookies', () => {
    const { api } = setup();
    expect(api('jira', {}).route.forwardCookies).toBe(false);
  });

  it('defaults to true for an in-cluster Service', () => {
    const { api, inCluster } = setup();
    expect(api('orders', { backend: inCluster }).route.forwardCookies).toBe(true);
  });

  it('takes an explicit value either way', () => {
    const { api, inCluster } = setup();
    expect(api('jira', { forwardCookies: true }).route.forwardCookies).toBe(true);
    expect(api('orders', { backend: inCluster, forwardCookies: false }).route.forwardCookies).toBe(false);
  });

  it('keeps the schema default true for hand-written proxy configs that leave it out', () => {
    const route = apiRouteSchema.parse({
      name: 'echo',
      path: 'test/echo',
      host: 'api.example.com',
      clientAuth: { kind: 'none' },
      backend: { kind: 'externalName', serviceName: 'echo', externalName: 'echo.example.net', port: 443, scheme: 'https' },
    });
    expect(route.forwardCookies).toBe(true);
  });
});
