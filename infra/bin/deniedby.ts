import { App } from "aws-cdk-lib";
import { addDeniedby } from "../lib/app.js";
import { DeployConfigError, parseDeployConfig } from "../lib/config.js";

/** `cdk synth|deploy` entry point: the parameters come from CDK context (cdk.json or `-c key=value`). */
const app = new App();
try {
  addDeniedby(app, parseDeployConfig(app.node.getAllContext()));
} catch (error) {
  if (!(error instanceof DeployConfigError)) throw error;
  process.stderr.write(`${error.message}\nSee infra/README.md for every parameter.\n`);
  process.exit(2);
}
app.synth();
