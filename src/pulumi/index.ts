/**
 * gatewright's Pulumi components. A separate entry point (`gatewright/pulumi` once packaged) so
 * users of the cdk8s constructs alone never load the Pulumi SDK.
 */
export * from './referenced-secrets';
export * from './aws-policies';
export * from './irsa-role';
export * from './pod-identity-role';
export * from './oke-workload-policy';
export * from './chart-deployment';
