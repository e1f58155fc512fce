import { type App, BootstraplessSynthesizer, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { DeployConfig } from "./config.js";
import { DeniedbyStack } from "./deniedby-stack.js";
import { ForwarderStack } from "./forwarder-stack.js";
import { acknowledge, forwarderAcknowledgements, mainStackAcknowledgements } from "./nag.js";
import { defaultBusArn } from "./push.js";

export interface DeniedbyApp {
  main: DeniedbyStack;
  /** One per forwarded region of deniedby's own account (us-east-1 by default). */
  forwarders: ForwarderStack[];
  /** The account- and region-agnostic template member accounts deploy (with an organisation id only). */
  memberTemplate: ForwarderStack | undefined;
}

/**
 * Adds deniedby's stacks to `app` and runs cdk-nag's AwsSolutions pack over them at synth: any finding not
 * acknowledged (with its reason, in nag.ts) fails the synth. `acknowledgeFindings: false` is for the test that
 * checks the acknowledgements against the findings.
 */
export function addDeniedby(
  app: App,
  config: DeployConfig,
  options: { acknowledgeFindings?: boolean } = {},
): DeniedbyApp {
  const env = { account: config.account, region: config.region };
  const main = new DeniedbyStack(app, "Deniedby", {
    env,
    description: "deniedby on ECS Fargate: explains AWS AccessDenied from CloudTrail",
    config,
  });
  const target = defaultBusArn(config);
  const forwarders = config.push
    ? config.forwardRegions.map(
        (region) =>
          new ForwarderStack(app, `DeniedbyForward-${region}`, {
            env: { account: config.account, region },
            description: `deniedby: forwards ${region}'s CloudTrail denials and role evidence to ${config.region}`,
            targetBusArn: target,
            ...(config.alarmTopicArn !== undefined ? { alarmTopicArn: config.alarmTopicArn } : {}),
          }),
      )
    : [];
  const memberTemplate =
    config.push && config.orgId !== undefined
      ? new ForwarderStack(app, "DeniedbyMemberForwarder", {
          description: `deniedby: StackSet template for member accounts of ${config.orgId}; forwards CloudTrail denials and role evidence to deniedby's bus`,
          targetBusArn: target,
          skipAccount: config.account,
          // A plain template: member accounts have no CDK bootstrap stack, and StackSets deploy it as it is.
          synthesizer: new BootstraplessSynthesizer(),
          analyticsReporting: false,
        })
      : undefined;

  if (options.acknowledgeFindings !== false) {
    acknowledge(mainStackAcknowledgements(main, config));
    for (const stack of [...forwarders, ...(memberTemplate ? [memberTemplate] : [])])
      acknowledge(forwarderAcknowledgements(stack));
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { main, forwarders, memberTemplate };
}
