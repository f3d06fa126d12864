/**
 * The README's quick start, command by command. The README test holds the README to it and the
 * packed-install test runs it, with the tarball in place of the registry on the install line.
 */
export const QUICK_START = [
  'mkdir orders-gateway && cd orders-gateway',
  'npm init -y',
  'npm install gatewright cdk8s constructs',
  'npx gatewright init --gateway traefik-hub --client-auth jwt --host api.example.com',
  'npm install',
  'npx cdk8s synth',
  'npm test',
] as const;

/** The install line with a tarball instead of the registry, as the README says. */
export const tarballInstall = (version: string) => `npm install ../gatewright-${version}.tgz cdk8s constructs`;
