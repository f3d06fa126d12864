import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oicOnOke } from '../../../examples/oic-on-oke';
import { TOPOLOGY_OUT_ENV } from '../../../src';
import { accessTopologySchema } from '../../../src/model';
import { collectTopology } from '../../../src/report';

describe('TopologyExport', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-export-'));
  });
  afterEach(() => {
    delete process.env[TOPOLOGY_OUT_ENV];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('adds one object-less export construct to the root on the first SecuredApi', () => {
    const app = Testing.app();
    oicOnOke(app);
    expect(app.node.tryFindChild('gatewright-topology-export')).toBeDefined();
    expect(app.charts.map((c) => c.node.id)).toEqual(['oic-on-oke']);
  });

  it('writes the topology collected from the tree when App.synth() runs with GATEWRIGHT_TOPOLOGY_OUT', () => {
    const out = path.join(dir, 'nested', 'topology.json');
    process.env[TOPOLOGY_OUT_ENV] = out;
    const app = Testing.app();
    oicOnOke(app);
    app.synth();
    const written = accessTopologySchema.parse(JSON.parse(fs.readFileSync(out, 'utf8')));
    expect(written).toEqual(collectTopology(app));
    expect(written.gateways[0].routes.map((r) => r.path)).toEqual(['oic-on-oke/echo']);
  });

  it('writes nothing during a normal synth', () => {
    const app = Testing.app();
    oicOnOke(app);
    app.synth();
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(fs.readdirSync(app.outdir)).toEqual(['oic-on-oke.k8s.yaml']);
  });
});
