import { describe, expect, it } from 'vitest';
import { apiRouteSchema } from '../../../src/model';
import { planRequestTransformation } from '../../../src/plan/request-transformation';
import { MatchingStrategy } from '../../../src/targets/oathkeeper/access-rule';
import { DEFAULT_OATHKEEPER_PORTS, renderOathkeeperConfig } from '../../../src/targets/oathkeeper/config';
import { renderHelmValues } from '../../../src/targets/oathkeeper/helm-values';
import { toMaesterRuleProps } from '../../../src/targets/oathkeeper/maester-rule';
import { renderOathkeeperRoute } from '../../../src/targets/oathkeeper/render-rule';
import { HAS_OATHKEEPER_SCHEMAS, oathkeeperSchemas } from '../../support/oathkeeper-schemas';

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
const rules = [jwtRoute, publicRoute].map(
  (r) => renderOathkeeperRoute({ route: r, transformation: planRequestTransformation(r), strategy: MatchingStrategy.REGEXP, forwarding: { trustForwardedHeaders: false }, namespace: 'gw' }).rule,
);

const config = renderOathkeeperConfig({
  rules,
  matchingStrategy: MatchingStrategy.REGEXP,
  repositories: ['file:///etc/rules/access-rules.json'],
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
    // Every rule blanks caller-supplied identity headers, so even the public route uses `header`.
    expect(config.mutators).toEqual({ header: { enabled: true, config: { headers: {} } } });
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
  const env = [{ name: 'GW_SECRET_SAAS_KEY_0123456789AB', secretName: 'saas', key: 'key' }];
  it('mounts our config and rules ConfigMaps instead of the chart rendering its own, and fills env from secretKeyRefs', () => {
    const values = renderHelmValues({
      configMapName: 'ok-config',
      ports: DEFAULT_OATHKEEPER_PORTS,
      rulesDelivery: 'configMap',
      rulesConfigMapName: 'ok-rules',
      env,
      replicas: 3,
      resources: { requests: { cpu: '100m' } },
      maesterSingleNamespace: true,
    });
    expect(values).toEqual({
      image: { tag: 'v26.2.0' },
      replicaCount: 3,
      oathkeeper: {
        // The chart reads the container ports from here, so they stay; the rest of the config is ours.
        config: { serve: { proxy: { port: 4455 }, api: { port: 4456 }, prometheus: { port: 9000 } } },
        configFileOverride: { enabled: false, nameOverride: 'ok-config' },
        helmTemplatedConfigEnabled: false,
        managedAccessRules: false,
        accessRulesOverride: { nameOverride: 'ok-rules' },
      },
      maester: { enabled: false },
      deployment: {
        extraArgs: ['--sqa-opt-out'],
        extraEnv: [{ name: 'GW_SECRET_SAAS_KEY_0123456789AB', valueFrom: { secretKeyRef: { name: 'saas', key: 'key' } } }],
        resources: { requests: { cpu: '100m' } },
      },
    });
  });

  it('turns maester on, watching only its own namespace, and autoscaling with a CPU target', () => {
    const values = renderHelmValues({
      configMapName: 'ok-config',
      ports: DEFAULT_OATHKEEPER_PORTS,
      rulesDelivery: 'maester',
      env,
      replicas: 2,
      resources: {},
      autoscaling: { minReplicas: 2, maxReplicas: 5, targetCpuUtilization: 70 },
      maesterSingleNamespace: true,
    }) as any;
    expect(values.maester).toEqual({ enabled: true });
    expect(values['oathkeeper-maester']).toEqual({ singleNamespaceMode: true });
    expect(values.oathkeeper.accessRulesOverride).toBeUndefined();
    expect(values.deployment.autoscaling).toEqual({ enabled: true, minReplicas: 2, maxReplicas: 5, targetCPU: { type: 'Utilization', averageUtilization: 70 } });
  });
});
