/**
 * Pulumi unit-test harness: `pulumi.runtime.setMocks` (no CLI, no cloud) plus a recorder of
 * every registered resource with its inputs, parent and dependencies, so tests can assert
 * policies, annotations and ordering.
 */
import * as pulumi from '@pulumi/pulumi';

export interface RegisteredResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly inputs: Record<string, any>;
  /** URNs of explicit and implicit dependencies (`dependsOn`, inputs from other resources). */
  readonly dependencies: string[];
  readonly parent: string;
}

export interface PulumiMockHarness {
  readonly resources: RegisteredResource[];
  /** Resources of one type, in registration order. */
  ofType(type: string): RegisteredResource[];
  /** The one resource of `type` whose name ends with `suffix`. */
  find(type: string, suffix: string): RegisteredResource;
  /** Calls to provider functions (invokes), by token. */
  readonly calls: { token: string; inputs: Record<string, any> }[];
  /** A view of only the resources registered from now on, for a file that deploys twice under the same names. */
  fromNow(): Pick<PulumiMockHarness, 'resources' | 'ofType' | 'find'>;
}

function viewOf(all: RegisteredResource[], from: number): Pick<PulumiMockHarness, 'resources' | 'ofType' | 'find'> {
  const current = () => all.slice(from);
  const ofType = (type: string) => current().filter((r) => r.type === type);
  return {
    get resources() {
      return current();
    },
    ofType,
    find(type, suffix) {
      const found = ofType(type).filter((r) => r.name.endsWith(suffix));
      if (found.length !== 1) throw new Error(`expected one ${type} named *${suffix}, found: ${ofType(type).map((r) => r.name).join(', ') || 'none'}`);
      return found[0];
    },
  };
}

/** Outputs the mocked cloud returns for each resource type, besides the inputs. */
function mockState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  switch (type) {
    case 'aws:iam/openIdConnectProvider:OpenIdConnectProvider':
      return { ...inputs, arn: `arn:aws:iam::123456789012:oidc-provider/${String(inputs.url).replace(/^https:\/\//, '')}` };
    case 'aws:iam/role:Role':
      return { ...inputs, name: `${name}-1234567`, arn: `arn:aws:iam::123456789012:role/${name}-1234567` };
    case 'kubernetes:yaml/v2:ConfigGroup': {
      // A secret input arrives wrapped: { [specialSigKey]: specialSecretSig, value }.
      const objs = Array.isArray(inputs.objs) ? inputs.objs : (inputs.objs?.value ?? []);
      return { resources: objs.map((o: any) => `${o.kind}/${o.metadata?.name}`) };
    }
    default:
      return { ...inputs };
  }
}

export function installPulumiMocks(invokeResults: Record<string, Record<string, any>> = {}): PulumiMockHarness {
  const resources: RegisteredResource[] = [];
  const calls: PulumiMockHarness['calls'] = [];
  const pending = new Map<string, { type: string; name: string; inputs: Record<string, any> }>();
  void pulumi.runtime.setMocks(
    {
      newResource(args) {
        pending.set(`${args.type}::${args.name}`, { type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: mockState(args.type, args.name, args.inputs) };
      },
      call(args) {
        calls.push({ token: args.token, inputs: args.inputs });
        const result = invokeResults[args.token];
        if (!result) throw new Error(`no mock result for invoke ${args.token}`);
        return result;
      },
    },
    'gatewright',
    'test',
    false,
  );
  // Wrap the mock monitor to see what `newResource` is not given: dependencies and parent.
  const settings = require('@pulumi/pulumi/runtime/settings') as { getMonitor(): any };
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) =>
    register(req, (err: unknown, resp: any) => {
      if (!err) {
        const key = `${req.getType()}::${req.getName()}`;
        const seen = pending.get(key);
        resources.push({
          type: req.getType(),
          name: req.getName(),
          urn: resp.getUrn(),
          inputs: seen?.inputs ?? {},
          dependencies: req.getDependenciesList(),
          parent: req.getParent(),
        });
      }
      callback(err, resp);
    });

  const all = viewOf(resources, 0);
  return {
    resources,
    calls,
    ofType: all.ofType,
    find: all.find,
    fromNow: () => viewOf(resources, resources.length),
  };
}

/** The value of an Output, once the mocked deployment has resolved it. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/**
 * Lets every pending registration finish before asserting on the recorder: resolves the given
 * outputs, then waits until the Pulumi runtime has no RPC in flight (its own drain, the one
 * `pulumi up` waits on before exiting), so no timing guess is involved.
 */
export async function settle(...outputs: pulumi.Input<unknown>[]): Promise<void> {
  await Promise.all(outputs.map((o) => valueOf(pulumi.output(o))));
  const settings = require('@pulumi/pulumi/runtime/settings') as { waitForRPCs(): Promise<void> };
  await settings.waitForRPCs();
}
