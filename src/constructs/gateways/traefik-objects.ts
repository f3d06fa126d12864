import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { IngressRoute, Middleware, ServersTransport } from '../../../imports/traefik.io';
import type { TraefikObject } from '../../targets/traefik-common/rendered-object';

/** Instantiates a rendered traefik.io object with the class generated from its CRD. */
export function addTraefikObject(scope: Construct, object: TraefikObject): ApiObject {
  switch (object.kind) {
    case 'Middleware':
      return new Middleware(scope, `${object.name}-middleware`, object.props);
    case 'IngressRoute':
      return new IngressRoute(scope, `${object.name}-ingressroute`, object.props);
    case 'ServersTransport':
      return new ServersTransport(scope, `${object.name}-serverstransport`, object.props);
  }
}
