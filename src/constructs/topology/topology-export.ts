import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct, type IConstruct } from 'constructs';
import type { AccessTopologyModel } from '../../model';
import { collectTopology } from './collect-topology';

/**
 * Environment variable naming the file `gatewright report` / `gatewright diff` want the
 * topology in. Unset (the normal `cdk8s synth`), the export does nothing.
 */
export const TOPOLOGY_OUT_ENV = 'GATEWRIGHT_TOPOLOGY_OUT';

const EXPORT_ID = 'gatewright-topology-export';

/** Topologies this process already wrote per file, so several Apps in one process add up. */
const written = new Map<string, AccessTopologyModel>();

/**
 * The hook that lets the CLI read the model from the construct tree instead of re-parsing
 * YAML. Every `SecuredApi` calls {@link TopologyExport.ensure}, which adds one (invisible,
 * object-less) `TopologyExport` to the root of the tree. `App.synth()` validates every
 * construct before writing manifests; this construct's validation step collects the whole
 * tree with {@link collectTopology} and, when `GATEWRIGHT_TOPOLOGY_OUT` is set, writes it
 * there as JSON (plaintext values redacted). It never reports a validation error.
 */
export class TopologyExport extends Construct {
  /** Adds the export to the root of `scope`'s tree unless it is already there. */
  static ensure(scope: IConstruct): void {
    const root = scope.node.root;
    if (!root.node.tryFindChild(EXPORT_ID)) new TopologyExport(root as Construct, EXPORT_ID);
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.node.addValidation({
      validate: () => {
        const out = process.env[TOPOLOGY_OUT_ENV];
        if (out) writeTopology(out, collectTopology(this.node.root));
        return [];
      },
    });
  }
}

function writeTopology(file: string, topology: AccessTopologyModel): void {
  const target = path.resolve(file);
  const previous = written.get(target);
  const merged: AccessTopologyModel = previous
    ? {
        ...topology,
        gateways: [...previous.gateways.filter((g) => !topology.gateways.some((n) => n.path === g.path)), ...topology.gateways],
        networkPolicies: [...previous.networkPolicies.filter((p) => !topology.networkPolicies.some((n) => n.path === p.path)), ...topology.networkPolicies],
        workloads: [...previous.workloads.filter((w) => !topology.workloads.some((n) => n.path === w.path)), ...topology.workloads],
      }
    : topology;
  written.set(target, merged);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, `${JSON.stringify(merged, null, 2)}\n`);
}
