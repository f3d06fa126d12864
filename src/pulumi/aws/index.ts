/**
 * gatewright's AWS components: least-privilege IAM for External Secrets Operator on EKS
 * (IRSA or Pod Identity), the optional IAM OIDC provider, an EKS kubeconfig. Needs
 * `@pulumi/aws` besides `@pulumi/pulumi` and `@pulumi/kubernetes`.
 * @packageDocumentation
 * @module gatewright/pulumi/aws
 */
import { requirePeers } from '../require-peers';

requirePeers('gatewright/pulumi/aws', ['@pulumi/pulumi', '@pulumi/kubernetes', '@pulumi/aws']);

export * from './aws-policies';
export * from './irsa-role';
export * from './pod-identity-role';
export * from './eks-cluster';
export * from './aws-secret-access';
