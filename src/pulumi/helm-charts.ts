import { OATHKEEPER_CHART_VERSION } from '../constructs/gateways/oathkeeper-gateway';
import { ErrorCode, GatewrightError } from '../model';

/** A Helm chart at one exact version. */
export interface PinnedHelmChart {
  /** Chart name in its repository. */
  readonly chart: string;
  /** Repository URL (`helm repo add` form). */
  readonly repo: string;
  /** Exact chart version: never a range, never "latest". */
  readonly version: string;
}

/**
 * Ory Oathkeeper's chart (application v26.2.0), the version `OathkeeperGateway#helmValues` is
 * written against. An unpinned chart is whatever the repository serves on the day of `pulumi up`.
 * @see https://github.com/ory/k8s/tree/master/helm/charts/oathkeeper
 */
export const OATHKEEPER_CHART: PinnedHelmChart = { chart: 'oathkeeper', repo: 'https://k8s.ory.sh/helm/charts', version: OATHKEEPER_CHART_VERSION };

/**
 * External Secrets Operator's chart (application v2.9.0, the `external-secrets.io/v1` CRDs
 * gatewright's generated classes come from).
 * @see https://github.com/external-secrets/external-secrets/tree/main/deploy/charts/external-secrets
 */
export const EXTERNAL_SECRETS_CHART: PinnedHelmChart = { chart: 'external-secrets', repo: 'https://charts.external-secrets.io', version: '2.9.0' };

/**
 * Traefik's chart (v41.3.0, which also carries the Traefik Hub CRDs). gatewright does not
 * install Traefik; the README's prerequisites install this version.
 * @see https://github.com/traefik/traefik-helm-chart
 */
export const TRAEFIK_CHART: PinnedHelmChart = { chart: 'traefik', repo: 'https://traefik.github.io/charts', version: '41.3.0' };

/** `1.2.3` or `1.2.3-rc.1`: what Helm resolves to exactly one chart version. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Throws unless `version` names exactly one chart version (no range, no `latest`, not empty). */
export function requireExactChartVersion(version: string, where: string): string {
  if (!EXACT_VERSION.test(version)) {
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      path: where,
      field: 'version',
      problem: `"${version}" is not one exact chart version, so every pulumi up could install another chart`,
      fix: 'give an exact version such as "0.62.1" (helm search repo <chart> --versions lists them)',
    });
  }
  return version;
}
