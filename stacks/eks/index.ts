/** Pulumi entry point of the EKS stack (`pulumi -C stacks/eks up`, or the top-level project with `gatewright:cloud: eks`). */
import { deployEks } from './program';

export = deployEks();
