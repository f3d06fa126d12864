import { ErrorCode, GatewrightError } from '../model';

/** One object the app writes, and who made it. */
export interface ObjectClaim {
  readonly apiVersion: string;
  readonly kind: string;
  /** Effective namespace (the object's own, or its chart's); absent means the kubectl context's. */
  readonly namespace?: string;
  readonly name: string;
  /** Construct path of the declaration behind the object (a SecuredApi, an UpstreamOAuth, a gateway). */
  readonly owner: string;
  /** What the object is for, in a few words (`the JWT middleware`). */
  readonly purpose?: string;
}

/** Kinds without a namespace: their names are unique in the whole cluster. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'ClusterSecretStore',
  'ClusterExternalSecret',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
  'IngressClass',
  'GatewayClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'PersistentVolume',
]);

/** The API group of `apiVersion` (`traefik.io/v1alpha1` → `traefik.io`, `v1` → core). */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** What Kubernetes considers the same object: group, kind, namespace (unless cluster-scoped) and name. */
export function objectIdentity(claim: Pick<ObjectClaim, 'apiVersion' | 'kind' | 'namespace' | 'name'>): string {
  const namespace = CLUSTER_SCOPED.has(claim.kind) ? '' : (claim.namespace ?? '');
  return `${groupOf(claim.apiVersion)}/${claim.kind}/${namespace}/${claim.name}`;
}

function describe(c: ObjectClaim): string {
  return c.purpose ? `${c.purpose} of ${c.owner}` : c.owner;
}

/**
 * Every pair of objects in the app that Kubernetes would take for one: same group, kind,
 * namespace and name. `kubectl apply` keeps the last one, so a later object silently replaces
 * an earlier one — a JWT middleware replaced by a token middleware leaves a route without
 * client authentication. Linear in the number of objects.
 */
export function findObjectCollisions(claims: Iterable<ObjectClaim>): GatewrightError[] {
  const first = new Map<string, ObjectClaim>();
  const errors: GatewrightError[] = [];
  for (const claim of claims) {
    const id = objectIdentity(claim);
    const earlier = first.get(id);
    if (!earlier) {
      first.set(id, claim);
      continue;
    }
    const where = CLUSTER_SCOPED.has(claim.kind) ? 'the cluster' : `namespace "${claim.namespace ?? '(default)'}"`;
    errors.push(
      new GatewrightError({
        code: ErrorCode.NAME_COLLISION,
        path: claim.owner,
        field: 'name',
        problem: `${claim.kind} "${claim.name}" in ${where} (${describe(claim)}) is also generated for ${describe(earlier)}; applied together, one would silently replace the other`,
        fix: 'give one of the two declarations another name (the `name` prop), or put them in different namespaces',
      }),
    );
  }
  return errors;
}
