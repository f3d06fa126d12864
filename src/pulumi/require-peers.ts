import { ErrorCode, GatewrightError } from '../model';

/**
 * Fails with one sentence naming what to install when an optional peer dependency is missing:
 * `@pulumi/*` are optional peers of gatewright (a cdk8s-only user installs none of them), so
 * the first sign of a missing one would otherwise be `Cannot find module` from deep inside.
 */
export function requirePeers(entryPoint: string, packages: readonly string[]): void {
  const missing = packages.filter((p) => {
    try {
      require.resolve(p);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) {
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      path: entryPoint,
      problem: `needs ${missing.join(' and ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed (optional peer dependencies of gatewright)`,
      fix: `npm install --save-dev ${packages.join(' ')}`,
    });
  }
}
