import type { IConstruct } from 'constructs';
import { AppPlan } from '../plan/app-plan';

/** A secret store gatewright created, as the whole-app namespace check needs it. */
export interface DeclaredStore {
  /** Name of the store object. */
  readonly name: string;
  /** Namespaced `SecretStore` or cluster-wide `ClusterSecretStore`. */
  readonly kind: 'SecretStore' | 'ClusterSecretStore';
  /**
   * Namespace of a `SecretStore`.
   * @default - the kubectl context's namespace
   */
  readonly namespace?: string;
  /** Construct path, for messages. */
  readonly path: string;
}

/** The stores of `scope`'s app, in creation order (stores add themselves). */
export function storeRegistryOf(scope: IConstruct): DeclaredStore[] {
  return AppPlan.of(scope).singleton('secret-stores', () => [] as DeclaredStore[]);
}
