/**
 * Entry point of the top-level Pulumi project: one project, the cloud chosen per stack with
 * `pulumi config set gatewright:cloud eks|oke`. Only the chosen program is loaded, so an OKE
 * stack never calls AWS.
 */
import * as pulumi from '@pulumi/pulumi';

const cloud = new pulumi.Config('gatewright').require('cloud');
if (cloud !== 'eks' && cloud !== 'oke') {
  throw new Error(`gatewright:cloud must be "eks" or "oke" (got "${cloud}"); run: pulumi config set gatewright:cloud eks`);
}

export = cloud === 'eks'
  ? (require('./eks/program') as typeof import('./eks/program')).deployEks()
  : (require('./oke/program') as typeof import('./oke/program')).deployOke();
