import type { Construct } from 'constructs';
import { IngressRoute, Middleware } from '../../../imports/traefik.io';
import type { TraefikObject } from '../../targets/traefik-common/rendered-object';

/** Instantiates a rendered traefik.io object with the class generated from its CRD. */
export function addTraefikObject(scope: Construct, object: TraefikObject): void {
  switch (object.kind) {
    case 'Middleware':
      new Middleware(scope, `${object.name}-middleware`, object.props);
      return;
    case 'IngressRoute':
      new IngressRoute(scope, `${object.name}-ingressroute`, object.props);
      return;
  }
}
