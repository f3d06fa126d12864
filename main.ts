/**
 * The cdk8s app `npx cdk8s synth` runs: every bundled example, one YAML file per chart in
 * dist/. Your own app looks the same: build charts from gatewright constructs, then synth.
 */
import { App } from 'cdk8s';
import { examples } from './examples';

const app = new App();
for (const build of Object.values(examples)) build(app);
app.synth();
