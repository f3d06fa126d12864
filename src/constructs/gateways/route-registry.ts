import type { Construct } from 'constructs';
import { ErrorCode, GatewrightError, type ApiRouteModel } from '../../model';

/**
 * The routes attached to one gateway and the duplicate-route check every gateway shares
 * (composition, not inheritance). Linear in the number of routes.
 */
export class RouteRegistry {
  readonly routes: ApiRouteModel[] = [];

  constructor(gateway: Construct) {
    gateway.node.addValidation({ validate: () => this.duplicateRouteErrors() });
  }

  add(route: ApiRouteModel): void {
    this.routes.push(route);
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
