/** Pulumi entry point of the OKE stack (`pulumi -C stacks/oke up`, or the top-level project with `gatewright:cloud: oke`). */
import { deployOke } from './program';

export = deployOke();
