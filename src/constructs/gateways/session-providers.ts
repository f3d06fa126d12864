import type { IConstruct } from 'constructs';
import { ErrorCode, GatewrightError } from '../../model';
import type { SessionMiddleware } from '../../targets/traefik-hub/client-auth-middleware';
import { AppPlan } from '../plan/app-plan';

/**
 * The app's session providers (OAuth2 Proxy), by provider name: the forward-auth Middleware a
 * Traefik gateway lists for an `oidcSession` route. Engine spelling stays out of the model.
 */
export function sessionProvidersOf(scope: IConstruct): Map<string, SessionMiddleware> {
  return AppPlan.of(scope).singleton('session-providers', () => new Map<string, SessionMiddleware>());
}

/** Records the Middleware of `provider`; one provider name means one Middleware in the whole app. */
export function registerSessionProvider(scope: IConstruct, provider: string, middleware: SessionMiddleware): void {
  const providers = sessionProvidersOf(scope);
  const existing = providers.get(provider);
  if (existing && (existing.name !== middleware.name || existing.namespace !== middleware.namespace)) {
    throw new GatewrightError({
      code: ErrorCode.CONFLICT,
      path: scope.node.path,
      field: 'clientAuth',
      problem: `names session provider "${provider}" with Middleware "${middleware.name}", but another SecuredApi names it with "${existing.name}"`,
      fix: 'give each forward-auth Middleware its own provider name',
    });
  }
  providers.set(provider, middleware);
}
