import type { Construct, IConstruct } from 'constructs';
import type { ApiRouteModel, GatewayEngine, GatewayModel } from '../../model';

/**
 * A gateway engine that SecuredApis attach to. Each implementation renders routes with
 * its engine's renderer from `src/targets/`.
 */
export interface IGateway extends IConstruct {
  /** Which engine serves the routes. */
  readonly engine: GatewayEngine;
  /** Routes attached so far, validated, in attachment order. */
  readonly routes: readonly ApiRouteModel[];
  /** @internal the gateway as plain data */
  _toGatewayModel(): GatewayModel;
  /** @internal render `route` for this engine, adding objects under `api` */
  _addRoute(api: Construct, route: ApiRouteModel): void;
}
