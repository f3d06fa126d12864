import type { MatchingStrategy, OathkeeperAccessRule } from './access-rule';

/** Ports of the Oathkeeper process (the official chart's defaults). */
export interface OathkeeperPorts {
  readonly proxy: number;
  readonly api: number;
  readonly metrics: number;
}

export const DEFAULT_OATHKEEPER_PORTS: OathkeeperPorts = { proxy: 4455, api: 4456, metrics: 9000 };

/** Where the official Helm chart mounts the access rules (a ConfigMap at /etc/rules). */
export const RULES_DIRECTORY = '/etc/rules';
/** The file the chart's rules ConfigMap holds (and maester writes): `access-rules.json`. */
export const RULES_FILE_NAME = 'access-rules.json';
/** The key of the config ConfigMap the chart mounts at /etc/config (`--config /etc/config/config.yaml`). */
export const CONFIG_FILE_NAME = 'config.yaml';

export interface OathkeeperConfigInput {
  readonly rules: readonly OathkeeperAccessRule[];
  readonly matchingStrategy: MatchingStrategy;
  /** Repository URLs of the access rules (`file://`, `s3://`, ...). */
  readonly repositories: readonly string[];
  readonly ports: OathkeeperPorts;
  readonly trustForwardedHeaders: boolean;
  /** Headers whose values must never reach the logs. */
  readonly redactedHeaders: readonly string[];
}

/**
 * The global Oathkeeper configuration: listeners, the rules repository, and exactly the
 * handlers the rules use (every other handler stays disabled, so a rule naming one fails to
 * load). Errors are JSON and not verbose, so a rejected caller learns the status and nothing
 * else; a request no rule matches is answered 404 (Oathkeeper denies by default). Telemetry
 * is off in the container args, not here.
 */
export function renderOathkeeperConfig(input: OathkeeperConfigInput): Record<string, unknown> {
  const used = (kind: 'authenticators' | 'mutators', handler: string) => input.rules.some((r) => r[kind].some((h) => h.handler === handler));
  const authorizers: Record<string, unknown> = { allow: { enabled: true } };
  if (input.rules.some((r) => r.authorizer.handler === 'deny')) authorizers.deny = { enabled: true };
  const jwksUrls = [...new Set(input.rules.flatMap((r) => r.authenticators.flatMap((h) => (h.handler === 'jwt' ? ((h.config?.jwks_urls as string[]) ?? []) : []))))].sort();

  const authenticators: Record<string, unknown> = {};
  if (used('authenticators', 'noop')) authenticators.noop = { enabled: true };
  if (jwksUrls.length) {
    // Every rule sets its own jwks_urls; the global list is required when jwt is enabled.
    authenticators.jwt = { enabled: true, config: { jwks_urls: jwksUrls, scope_strategy: 'exact' } };
  }
  const mutators: Record<string, unknown> = {};
  if (used('mutators', 'header')) mutators.header = { enabled: true, config: { headers: {} } };
  if (used('mutators', 'noop')) mutators.noop = { enabled: true };

  return {
    serve: {
      proxy: { port: input.ports.proxy, trust_forwarded_headers: input.trustForwardedHeaders },
      api: { port: input.ports.api },
      prometheus: { port: input.ports.metrics },
    },
    access_rules: { matching_strategy: input.matchingStrategy, repositories: [...input.repositories] },
    authenticators,
    authorizers,
    mutators,
    errors: { fallback: ['json'], handlers: { json: { enabled: true, config: { verbose: false } } } },
    log: {
      level: 'info',
      format: 'json',
      leak_sensitive_values: false,
      ...(input.redactedHeaders.length ? { additional_redacted_headers: [...new Set(input.redactedHeaders)].sort() } : {}),
    },
  };
}
