/**
 * The cdk8s app `npx cdk8s synth` runs: every bundled example, each as its own deployment
 * (an App of its own), one YAML file per chart in dist/. Your own app is one App: build
 * charts from gatewright constructs, then synth.
 */
import { synthesizeExamples } from './examples';

synthesizeExamples();
