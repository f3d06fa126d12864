import { describe, expect, it } from 'vitest';
import { apiRouteSchema, type GatewayModel } from '../../../src/model';
import { MatchingStrategy } from '../../../src/targets/oathkeeper/access-rule';
import { DEFAULT_OATHKEEPER_PORTS, renderOathkeeperConfig } from '../../../src/targets/oathkeeper/config';
import { renderHelmValues } from '../../../src/targets/oathkeeper/helm-values';
import { toMaesterRuleProps } from '../../../src/targets/oathkeeper/maester-rule';
import { renderOathkeeperRoute } from '../../../src/targets/oathkeeper/render-rule';
import { HAS_OATHKEEPER_SCHEMAS, oathkeeperSchemas } from '../../support/oathkeeper-schemas';

const gateway: GatewayModel = { name: 'ok', path: 'c/ok', engine: 'oathkeeper' as GatewayModel['engine'], namespace: 'gw', entryPoints: ['proxy'] };
const backend = { kind: 'externalName' as const, serviceName: 'saas', externalName: 'api.saas.example.net', port: 443, scheme: 'https' as const };
const jwtRoute = apiRouteSchema.parse({
  name: 'reports',
  path: 'c/reports',
  host: 'api.example.com',
  pathPrefix: '/reports',
  clientAuth: { kind: 'jwt', jwksUrl: 'https://idp.example.com/jwks.json', issuer: 'https://idp.example.com/', audience: ['api'] },
  authorization: { methods: ['GET'], scopes: ['reports:read'], claims: {} },
  upstreamAuth: [{ kind: 'header', name: 'X-API-Key', value: { kind: 'secret', ref: { secretName: 'saas', key: 'key' } } }],
  rewrite: { kind: 'replacePrefix', from: '/reports', to: '/v1/reports' },
  backend,
});
const publicRoute = apiRouteSchema.parse({ name: 'status', path: 'c/status', host: 'api.example.com', pathPrefix: '/status', clientAuth: { kind: 'none' }, backend });
const rules = [jwtRoute, publicRoute].map((r) => renderOathkeeperRoute(gateway, r, MatchingStrategy.REGEXP).rule);

const config = renderOathkeeperConfig({
  rules,
  matchingStrategy: MatchingStrategy.REGEXP,
  rulesFileName: 'access-rules.json',
  ports: DEFAULT_OATHKEEPER_PORTS,
  trustForwardedHeaders: false,
  redactedHeaders: ['X-API-Key'],
});

describe('oathkeeper.yaml', () => {
  it('enables exactly the handlers the rules use', () => {
    expect(config.authenticators).toEqual({
      noop: { enabled: true },
      jwt: { enabled: true, config: { jwks_urls: ['https://idp.example.com/jwks.json'], scope_strategy: 'exact' } },
    });
    expect(config.authorizers).toEqual({ allow: { enabled: true } });
    expect(config.mutators).toEqual({ header: { enabled: true, config: { headers: {} } }, noop: { enabled: true } });
  });

  it('serves on the chart ports, reads the mounted rules file and answers errors as terse JSON', () => {
    expect(config.serve).toEqual({ proxy: { port: 4455, trust_forwarded_headers: false }, api: { port: 4456 }, prometheus: { port: 9000 } });
    expect(config.access_rules).toEqual({ matching_strategy: 'regexp', repositories: ['file:///etc/rules/access-rules.json'] });
    expect(config.errors).toEqual({ fallback: ['json'], handlers: { json: { enabled: true, config: { verbose: false } } } });
  });

  it('keeps credential headers out of the logs', () => {
    expect(config.log).toEqual({ level: 'info', format: 'json', leak_sensitive_values: false, additional_redacted_headers: ['X-API-Key'] });
  });

  it.skipIf(!HAS_OATHKEEPER_SCHEMAS)("validates against Oathkeeper's config schema and the rules against its rule schema", () => {
    const schemas = oathkeeperSchemas();
    expect(schemas.config(config)).toEqual([]);
    expect(schemas.rules(JSON.parse(JSON.stringify(rules)))).toEqual([]);
    // The checker does catch mistakes: an unknown handler section and a wrong type.
    expect(schemas.config({ ...config, authorizers: { allow: { enabled: 'yes' } } })).not.toEqual([]);
    expect(schemas.config({ ...config, mutators: { headers: { enabled: true } } })).not.toEqual([]);
    expect(schemas.rules([{ ...rules[0], match: { url: 1, methods: [] } }])).not.toEqual([]);
  });
});

describe('maester Rule', () => {
  it('carries the same rule with camelCase upstream fields', () => {
    const props = toMaesterRuleProps(rules[0], 'gw');
    expect(props.metadata).toEqual({ name: 'reports', namespace: 'gw', labels: { 'app.kubernetes.io/managed-by': 'gatewright' } });
    expect(props.spec?.upstream).toEqual({ url: 'https://api.saas.example.net/v1/reports', stripPath: '/reports', preserveHost: false });
    expect(props.spec?.match).toEqual(rules[0].match);
    expect(props.spec?.authenticators).toEqual(rules[0].authenticators);
  });
});

describe('Helm values', () => {
  const env = [{ name: 'GW_SECRET_SAAS_KEY', secretName: 'saas', key: 'key' }];
  it('mounts our rules ConfigMap and fills env from secretKeyRefs (the chart has no envFrom)', () => {
    const values = renderHelmValues({ config, rulesDelivery: 'configMap', rulesConfigMapName: 'ok-rules', env, replicas: 3, resources: { requests: { cpu: '100m' } } });
    expect(values).toEqual({
      replicaCount: 3,
      oathkeeper: { config, managedAccessRules: false, accessRulesOverride: { nameOverride: 'ok-rules' } },
      maester: { enabled: false },
      deployment: {
        extraEnv: [{ name: 'GW_SECRET_SAAS_KEY', valueFrom: { secretKeyRef: { name: 'saas', key: 'key' } } }],
        resources: { requests: { cpu: '100m' } },
      },
    });
  });

  it('turns maester on and autoscaling with a CPU target', () => {
    const values = renderHelmValues({
      config,
      rulesDelivery: 'maester',
      rulesConfigMapName: 'oathkeeper-rules',
      env,
      replicas: 2,
      resources: {},
      autoscaling: { minReplicas: 2, maxReplicas: 5, targetCpuUtilization: 70 },
    }) as any;
    expect(values.maester).toEqual({ enabled: true });
    expect(values.oathkeeper.accessRulesOverride).toBeUndefined();
    expect(values.deployment.autoscaling).toEqual({ enabled: true, minReplicas: 2, maxReplicas: 5, targetCPU: { type: 'Utilization', averageUtilization: 70 } });
  });
});
