import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, it } from "vitest";
import { addDeniedby, type DeniedbyApp } from "../lib/app.js";
import { parseDeployConfig } from "../lib/config.js";
import { type Acknowledgement, forwarderAcknowledgements, mainStackAcknowledgements } from "../lib/nag.js";
import { cdkContext, fullParameters, synthesize } from "./synth.js";

interface Report {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

/** `Rule on path` for every violation of a validation report. */
const findings = (report: Report) =>
  report.pluginReports
    .flatMap((p) => p.violations)
    .flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} on ${c.constructPath}`))
    .sort();

/** The CloudFormation resource an acknowledgement is about, as cdk-nag names it in its report. */
const pathOf = (construct: IConstruct) => (construct.node.defaultChild ?? construct).node.path;

let unacknowledged: { stacks: DeniedbyApp; report: Report; error: string };

beforeAll(() => {
  // The same app as `cdk synth`, with every acknowledgement left out: synth must fail, listing the findings.
  const app = new App({
    context: cdkContext,
    outdir: join(process.env.TMPDIR ?? "/tmp", `nag-${process.pid}`),
  });
  const stacks = addDeniedby(app, parseDeployConfig(fullParameters), { acknowledgeFindings: false });
  let error = "";
  try {
    app.synth();
  } catch (e) {
    error = (e as Error).message;
  }
  const file = join(app.outdir, "validation-report.json");
  const report = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Report)
    : { pluginReports: [] };
  unacknowledged = { stacks, report, error };
}, 120_000);

describe("cdk-nag's AwsSolutions pack", () => {
  it("passes the app with every parameter set: synth fails on any unacknowledged finding", () => {
    const synthesized = synthesize(fullParameters);
    const report = join(synthesized.app.outdir, "validation-report.json");
    // A report is written when any plugin or annotation has something to say; it must say nothing.
    if (existsSync(report)) expect(findings(JSON.parse(readFileSync(report, "utf8")) as Report)).toEqual([]);
  });

  it("finds exactly what nag.ts acknowledges: no finding without an acknowledgement, none acknowledged in vain", () => {
    expect(unacknowledged.error).toMatch(/Validation failed|AwsSolutions-/);
    const { stacks } = unacknowledged;
    const config = parseDeployConfig(fullParameters);
    const acknowledged: Acknowledgement[] = [
      ...mainStackAcknowledgements(stacks.main, config),
      ...stacks.forwarders.flatMap(forwarderAcknowledgements),
      ...(stacks.memberTemplate ? forwarderAcknowledgements(stacks.memberTemplate) : []),
    ];
    const expected = acknowledged
      .map(
        (a) =>
          `${a.id.startsWith("AwsSolutions-") ? a.id : `AwsSolutions-${a.id}`} on ${pathOf(a.construct)}`,
      )
      .sort();
    expect(findings(unacknowledged.report)).toEqual(expected);
  });

  it("gives every acknowledgement a reason that says why, not just which rule", () => {
    const { stacks } = unacknowledged;
    const all = [
      ...mainStackAcknowledgements(stacks.main, parseDeployConfig(fullParameters)),
      ...stacks.forwarders.flatMap(forwarderAcknowledgements),
    ];
    for (const a of all) {
      expect(a.reason.length, a.id).toBeGreaterThan(40);
      expect(Stack.of(a.construct)).toBeInstanceOf(Stack);
    }
  });
});
