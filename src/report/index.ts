export * from './severity';
export * from './route-access';
export * from './findings';
export * from './environments';
export * from './diff';
export * from './access-report';
export { collectTopology } from '../constructs/topology/collect-topology';
