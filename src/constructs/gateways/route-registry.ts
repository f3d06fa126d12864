import type { Construct } from 'constructs';
import { ErrorCode, GatewrightError, type ApiRouteModel } from '../../model';

/**
 * Book-keeping every gateway shares (composition, not inheritance): the attached routes,
 * the duplicate-route check, and de-duplication of objects several routes share.
 */
export class RouteRegistry {
  readonly routes: ApiRouteModel[] = [];
  private readonly sharedSpecs = new Map<string, { spec: string; owner: string }>();

  constructor(gateway: Construct) {
    gateway.node.addValidation({ validate: () => this.duplicateRouteErrors() });
  }

  add(route: ApiRouteModel): void {
    this.routes.push(route);
  }

  /**
   * True when `name` is new and should be emitted; false when an identical object was
   * already emitted; throws when two routes render the same name differently.
   */
  claimShared(name: string, spec: unknown, owner: string): boolean {
    const serialized = JSON.stringify(spec);
    const existing = this.sharedSpecs.get(name);
    if (!existing) {
      this.sharedSpecs.set(name, { spec: serialized, owner });
      return true;
    }
    if (existing.spec === serialized) return false;
    throw new GatewrightError({
      code: ErrorCode.CONFLICT,
      path: owner,
      problem: `renders object "${name}" differently from ${existing.owner}`,
      fix: 'give one of the two credentials another name (the `name` prop), or share one instance',
    });
  }

  private duplicateRouteErrors(): string[] {
    const byHostPath = new Map<string, ApiRouteModel>();
    const byName = new Map<string, ApiRouteModel>();
    const errors: string[] = [];
    for (const r of this.routes) {
      const key = `${r.host}${r.pathPrefix}`;
      const first = byHostPath.get(key);
      if (first) {
        errors.push(
          new GatewrightError({
            code: ErrorCode.DUPLICATE_ROUTE,
            path: r.path,
            field: 'host/path',
            problem: `${r.host}${r.pathPrefix} is already served by ${first.path} on this gateway`,
            fix: 'give one of the routes another host or path, or merge them into one SecuredApi',
          }).message,
        );
      } else {
        byHostPath.set(key, r);
      }
      const sameName = byName.get(r.name);
      if (sameName) {
        errors.push(
          new GatewrightError({
            code: ErrorCode.DUPLICATE_ROUTE,
            path: r.path,
            field: 'name',
            problem: `route name "${r.name}" is already used by ${sameName.path}; generated objects would collide`,
            fix: 'set a distinct `name` on one of the SecuredApis',
          }).message,
        );
      } else {
        byName.set(r.name, r);
      }
    }
    return errors;
  }
}
