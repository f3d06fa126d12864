import { ApiObject } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { findObjectCollisions, type ObjectClaim } from '../../plan/object-identity';

const PLAN_ID = 'gatewright-plan';

/** Who made an object and what it is for, for collision messages. */
export interface ObjectOrigin {
  /** Construct path of the declaration (a SecuredApi, an UpstreamOAuth, a gateway). */
  readonly owner: string;
  /** A few words: `the JWT middleware`. */
  readonly purpose: string;
}

/** A whole-app check, run when the app synthesizes; returns one message per problem. */
export type AppCheck = () => string[];

/**
 * The whole app as one plan: the place where invariants that no single construct can see are
 * checked, once, for every chart and gateway. One per construct tree, at its root (like
 * cdk8s's own validation, it runs on `app.synth()`, `Testing.synth()` and `cdk8s synth`).
 *
 * - Object identity: no two objects of the app — gatewright's or the user's own — may share a
 *   group, kind, namespace and name (see `findObjectCollisions`).
 * - Registered whole-app checks (namespaces, forwardAuth exposure, rule delivery), added by the
 *   constructs that know what to check.
 */
export class AppPlan extends Construct {
  /** The plan of `scope`'s construct tree, created on first use. */
  static of(scope: IConstruct): AppPlan {
    const root = scope.node.root as Construct;
    return (root.node.tryFindChild(PLAN_ID) as AppPlan | undefined) ?? new AppPlan(root, PLAN_ID);
  }

  private readonly origins = new WeakMap<ApiObject, ObjectOrigin>();
  private readonly checks: AppCheck[] = [];
  private readonly singletons = new Map<string, unknown>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.node.addValidation({ validate: () => [...this.identityErrors(), ...this.checks.flatMap((check) => check())] });
  }

  /** Records who made `object`, so a collision names the declaration rather than an internal construct. */
  describe<T extends ApiObject>(object: T, origin: ObjectOrigin): T {
    this.origins.set(object, origin);
    return object;
  }

  /** Adds a whole-app check, run at synth after every construct exists. */
  addCheck(check: AppCheck): void {
    this.checks.push(check);
  }

  /**
   * One instance per key for the whole app (e.g. the secret sync of a namespace), created by
   * `create` on first use.
   */
  singleton<T>(key: string, create: () => T): T {
    if (!this.singletons.has(key)) this.singletons.set(key, create());
    return this.singletons.get(key) as T;
  }

  private identityErrors(): string[] {
    const claims: ObjectClaim[] = [];
    for (const c of this.node.root.node.findAll()) {
      if (!(c instanceof ApiObject)) continue;
      const origin = this.origins.get(c);
      claims.push({
        apiVersion: c.apiVersion,
        kind: c.kind,
        namespace: c.metadata.namespace,
        name: c.name,
        owner: origin?.owner ?? c.node.path,
        purpose: origin?.purpose,
      });
    }
    return findObjectCollisions(claims).map((e) => e.message);
  }
}
