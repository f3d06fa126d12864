import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import { ErrorCode, GatewrightError } from '../model';

/**
 * A function that declares charts in the cdk8s `App` it is given (the `build` export of a
 * project made by `gatewright init`). It must not call `app.synth()`: the stack synthesizes.
 */
export type AppBuilder = (app: App) => unknown;

/** What a stack deploys: a cdk8s `App`, one `Chart`, or an {@link AppBuilder}. */
export type CdkAppSource = App | Chart | AppBuilder;

/** The App a source stands for, built once (a builder gets a fresh `App`). */
export function resolveApp(source: CdkAppSource): App {
  if (source instanceof App) return source;
  if (source instanceof Chart) {
    // Chart.node.root is the App the chart was created in.
    const root = source.node.root;
    if (root instanceof App) return root;
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      path: source.node.path,
      field: 'app',
      problem: 'is a Chart outside a cdk8s App',
      fix: 'create the chart in an App (new Chart(new App(), ...)) or pass a function (app) => new MyChart(app, ...)',
    });
  }
  const app = new App();
  source(app);
  if (app.charts.length === 0) {
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      field: 'app',
      problem: 'the app builder declared no chart',
      fix: 'create your charts in the App the function receives: (app) => { new Chart(app, "gateway", ...) }',
    });
  }
  return app;
}

/** Options of {@link loadAppBuilder}. */
export interface LoadAppBuilderOptions {
  /**
   * Name of the export that builds the app.
   * @default - `build`, else the default export
   */
  readonly exportName?: string;
  /**
   * Directory a relative module path is resolved against.
   * @default - the current directory (where Pulumi runs the program: the project's folder)
   */
  readonly baseDir?: string;
  /**
   * Where the module path came from, for error messages (e.g. the config key `gatewright:app`).
   * @default 'app'
   */
  readonly source?: string;
}

/**
 * Loads the {@link AppBuilder} a module exports, for Pulumi programs that read the app from
 * config (`pulumi config set gatewright:app ./main.ts`). Pulumi's TypeScript runtime loads
 * `.ts` modules itself; compiled `.js` works the same.
 */
export async function loadAppBuilder(modulePath: string, options: LoadAppBuilderOptions = {}): Promise<AppBuilder> {
  const source = options.source ?? 'app';
  const file = path.resolve(options.baseDir ?? process.cwd(), modulePath);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(file)) as Record<string, unknown>;
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      path: source,
      problem: `could not load the app module ${file}: ${why}`,
      fix: `set ${source} to the path of the module that exports build(app), relative to the Pulumi project folder`,
    });
  }
  const wanted = options.exportName;
  const candidate = wanted ? mod[wanted] : (mod.build ?? defaultExport(mod));
  if (typeof candidate !== 'function') {
    const exported = Object.keys(mod).filter((k) => k !== '__esModule');
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      path: source,
      problem: `${file} exports no function ${wanted ? `"${wanted}"` : '"build" (nor a default function)'}; it exports: ${exported.join(', ') || 'nothing'}`,
      fix: 'export function build(app: App) { new MyChart(app, ...) } from the module (without app.synth()), or name the export to use',
    });
  }
  return candidate as AppBuilder;
}

/** The default export of an ES module or of a CommonJS module compiled from one. */
function defaultExport(mod: Record<string, unknown>): unknown {
  const d = mod.default;
  if (d && typeof d === 'object' && typeof (d as Record<string, unknown>).default === 'function') return (d as Record<string, unknown>).default;
  return d;
}
