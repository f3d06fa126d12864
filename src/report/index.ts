/**
 * The access report, its findings and the security diff, computed from a topology that
 * `collectTopology` (or `gatewright topology`) reads off a cdk8s app's construct tree.
 * @packageDocumentation
 * @module gatewright/report
 */
export * from './severity';
export * from './route-access';
export * from './findings';
export * from './environments';
export * from './diff';
export * from './finding-causes';
export * from './access-report';
export * from './diagram';
export { collectTopology } from '../constructs/topology/collect-topology';
