import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { traefikObjectJson } from '../../targets/traefik-common/crd-json';
import type { TraefikObject } from '../../targets/traefik-common/rendered-object';

/**
 * Adds a rendered traefik.io object under `scope` (id `<name>-<kind>`). Renderers are typed
 * with the classes `cdk8s import` generated from the CRDs; the object is written as the JSON
 * those classes would produce (see `traefikObjectJson`), in one pass.
 */
export function addTraefikObject(scope: Construct, object: TraefikObject): ApiObject {
  return new ApiObject(scope, `${object.name}-${object.kind.toLowerCase()}`, traefikObjectJson(object));
}
