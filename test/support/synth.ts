import { Testing, type Chart } from 'cdk8s';
import { stringify } from 'yaml';

/** A synthesized Kubernetes object, loosely typed for field-by-field assertions. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  [key: string]: any;
}

export function synthObjects(chart: Chart): KubeObject[] {
  return Testing.synth(chart) as KubeObject[];
}

/** The one object of `kind` named `name`; fails loudly with what exists instead. */
export function findObject(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`expected exactly one ${kind}/${name}, found ${found.length}; objects: ${have}`);
  }
  return found[0];
}

/** Multi-document YAML the way `cdk8s synth` writes it, for file snapshots. */
export function toYaml(objects: KubeObject[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

export function testChart(namespace?: string): Chart {
  const { Chart: ChartClass } = require('cdk8s') as typeof import('cdk8s');
  return new ChartClass(Testing.app(), 'test', namespace ? { namespace } : {});
}
