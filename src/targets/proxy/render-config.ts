import { proxyConfigSchema, type ApiRouteModel, type ProxyConfigInput, type ProxyConfigModel } from '../../model';

/** Process settings of a reference proxy; routes come from the gateway. */
export type ProxySettings = Omit<ProxyConfigInput, 'version' | 'routes'>;

/**
 * The reference proxy's config document for a set of routes: the routes exactly as every
 * other engine sees them, validated by the same schema the proxy checks at start-up.
 */
export function renderProxyConfig(routes: readonly ApiRouteModel[], settings: ProxySettings = {}): ProxyConfigModel {
  return proxyConfigSchema.parse({ version: 1, ...settings, routes: [...routes] });
}
