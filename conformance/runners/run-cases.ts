import type { ApiRouteModel } from '../../src/model';
import type { ConformanceCase } from '../cases/conformance-case';
import { generateCases } from '../cases/generate-cases';
import { judge, type Observation, type Verdict } from '../cases/verdict';
import type { ClusterSecrets } from '../kubernetes/cluster-secrets';
import type { LoopbackWorld } from '../world/loopback-world';
import { sendCase, type EntryPoint } from './send-case';

/** Routes served together behind one entry point, with the namespace that qualifies their Service backends. */
export interface RouteGroup {
  readonly name: string;
  readonly namespace?: string;
  readonly routes: readonly ApiRouteModel[];
}

/** One case as one engine answered it. */
export interface CaseResult {
  readonly gateway: string;
  readonly case: ConformanceCase;
  readonly observation: Observation;
  readonly verdict: Verdict;
}

/**
 * Generates the cases of every route of `gateways` (the routes of all of them count as
 * siblings: one entry point serves them together) and sends them to `entry` one at a time,
 * so each backend request belongs to exactly one case.
 */
export async function runCases(gateways: readonly RouteGroup[], entry: EntryPoint, world: LoopbackWorld, secrets: ClusterSecrets): Promise<CaseResult[]> {
  const siblings: ApiRouteModel[] = gateways.flatMap((g) => [...g.routes]);
  const results: CaseResult[] = [];
  for (const gateway of gateways) {
    for (const route of gateway.routes) {
      const cases = await generateCases(route, { gatewayNamespace: gateway.namespace, siblings, secrets, issuers: world.issuers });
      for (const c of cases) {
        const observation = await sendCase(entry, c.request, world);
        results.push({ gateway: gateway.name, case: c, observation, verdict: judge(c, observation) });
      }
    }
  }
  return results;
}
