/**
 * gatewright's Pulumi components, a separate entry point (`gatewright/pulumi`) so users of the
 * cdk8s constructs alone never load the Pulumi SDK. Needs `@pulumi/pulumi` and
 * `@pulumi/kubernetes`; the AWS parts are in `gatewright/pulumi/aws` (which also needs
 * `@pulumi/aws`), so an OKE stack never installs the AWS SDK.
 * @packageDocumentation
 * @module gatewright/pulumi
 */
import { requirePeers } from './require-peers';

requirePeers('gatewright/pulumi', ['@pulumi/pulumi', '@pulumi/kubernetes']);

export * from './app-source';
export * from './helm-charts';
export * from './referenced-secrets';
export * from './secret-access';
export * from './oke-workload-policy';
export * from './oke-secret-access';
export * from './chart-deployment';
export * from './gatewright-stack';
