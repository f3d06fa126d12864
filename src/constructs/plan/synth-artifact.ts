import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { Construct } from 'constructs';

/** Props of {@link SynthArtifact}. */
export interface SynthArtifactProps {
  /** File name inside the app's output directory (computed at synth). */
  readonly fileName: () => string;
  /** File content (computed at synth, when every construct exists). */
  readonly content: () => string;
}

/**
 * A file gatewright writes next to the synthesized manifests (e.g. Helm values for a chart
 * gatewright cannot render itself). cdk8s writes only manifests, so the file is written when
 * the app validates, which `app.synth()` does before writing them; it never reports an error.
 */
export class SynthArtifact extends Construct {
  constructor(scope: Construct, id: string, props: SynthArtifactProps) {
    super(scope, id);
    this.node.addValidation({
      validate: () => {
        const outdir = (App.of(this) as App).outdir;
        if (outdir) {
          fs.mkdirSync(outdir, { recursive: true });
          fs.writeFileSync(path.join(outdir, props.fileName()), props.content());
        }
        return [];
      },
    });
  }
}
