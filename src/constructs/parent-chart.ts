import { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { ErrorCode, GatewrightError } from '../model';

/**
 * The nearest `Chart` above `scope`: where its objects are written and whose namespace they
 * default to. cdk8s's own `Chart.of` throws a bare "cannot find a parent chart" that names
 * neither the construct nor the fix; a construct created directly under the `App` is an easy
 * slip, so it gets a proper error.
 */
export function parentChartOf(scope: IConstruct): Chart {
  const chart = [...scope.node.scopes].reverse().find((s): s is Chart => Chart.isChart(s));
  if (!chart) {
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      path: scope.node.path,
      field: 'scope',
      problem: 'is not inside a cdk8s Chart, so its objects have no manifest (and no namespace) to go to',
      fix: 'create it under a chart: const chart = new Chart(app, "my-chart"), then pass chart (or a construct inside it) as the scope',
    });
  }
  return chart;
}
