import { describe, expect, it } from "vitest";
import {
  AGENT_APPLICATION,
  AGENT_ECS_AGENT,
  AGENT_ECS_TASK,
  AGENT_LAMBDA,
  AGENT_SSM,
  actingService,
  agentClass,
  agentClassOf,
  isConsoleCall,
  isConsoleUserAgent,
  isEcsAgentUserAgent,
  isEcsEc2TaskUserAgent,
  isEcsTaskUserAgent,
  isHostAgentUserAgent,
  isLambdaUserAgent,
  isSdkUserAgent,
  isServiceUserAgent,
  isSsmAgentUserAgent,
} from "./user-agents.js";

const AGENT = "Amazon ECS Agent - v1.89.2 (a1b2c3d) (linux; amzn2) (+http://aws.amazon.com/ecs/)";
const SDK = "aws-sdk-java/2.28.16 Linux/5.10 exec-env/AWS_ECS_FARGATE";
const SSM = "aws-sdk-go/1.41.4 (go1.18.3; linux; amd64) amazon-ssm-agent/";
const LAMBDA =
  "Boto3/1.34.1 md/Botocore#1.34.1 ua/2.0 os/linux lang/python#3.12 exec-env/AWS_Lambda_python3.12";

describe("agentClass", () => {
  it("reduces an agent list to the facts the signals read", () => {
    expect(agentClass([])).toBe(AGENT_APPLICATION);
    expect(agentClass([AGENT])).toBe(AGENT_ECS_AGENT);
    expect(agentClass(["secretsmanager.amazonaws.com"])).toBe(0);
    expect(agentClass([AGENT, SDK])).toBe(AGENT_ECS_AGENT | AGENT_ECS_TASK | AGENT_APPLICATION);
  });
});

describe("user-agent classes", () => {
  it("recognise the ECS agent, old and new, with and without the container suffix", () => {
    expect(isEcsAgentUserAgent(AGENT)).toBe(true);
    expect(isEcsAgentUserAgent("Amazon ECS Agent - v1.12.2 (ecda8a6) (+http://aws.amazon.com/ecs/)")).toBe(
      true,
    );
    expect(isEcsAgentUserAgent(`${AGENT} container/web`)).toBe(true);
    expect(isEcsAgentUserAgent(SDK)).toBe(false);
    expect(isEcsAgentUserAgent(null)).toBe(false);
  });

  it("read the execution environment SDKs append", () => {
    expect(isEcsTaskUserAgent(SDK)).toBe(true);
    expect(isEcsEc2TaskUserAgent(SDK)).toBe(false);
    expect(isEcsEc2TaskUserAgent("aws-sdk-go-v2/1.30 exec-env/AWS_ECS_EC2")).toBe(true);
    expect(isLambdaUserAgent(LAMBDA)).toBe(true);
    expect(isSdkUserAgent(LAMBDA)).toBe(true);
    expect(isSdkUserAgent("containerd/1.7.22")).toBe(false);
  });

  it("count every agent on a host as a host agent, and no SDK", () => {
    for (const ua of [AGENT, SSM, "ec2-instance-connect/1.1", "CloudWatchAgent/1.300032.2 (linux; amd64)"])
      expect(isHostAgentUserAgent(ua), ua).toBe(true);
    expect(isSsmAgentUserAgent(SSM)).toBe(true);
    expect(isHostAgentUserAgent(SDK)).toBe(false);
  });

  it("tell AWS services and the console apart from callers' code", () => {
    expect(isServiceUserAgent("secretsmanager.amazonaws.com")).toBe(true);
    expect(isServiceUserAgent("AWS Internal")).toBe(true);
    expect(isServiceUserAgent(SDK)).toBe(false);
    expect(isConsoleUserAgent("console.amazonaws.com")).toBe(true);
    expect(isConsoleUserAgent("Mozilla/5.0 (console.aws.amazon.com)")).toBe(true);
    expect(isConsoleUserAgent(SDK)).toBe(false);
  });

  it("know the console by the user agents it really leaves, and AWS Internal as AWS acting, not the console", () => {
    // Each of these is in the public trails of shared/datasets, on calls marked sessionCredentialFromConsole or
    // made from the console's hosts.
    for (const ua of [
      "console.amazonaws.com",
      "console.ec2.amazonaws.com",
      "signin.amazonaws.com",
      "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10.184-153.731.amzn2int.x86_64]",
      "RDS Console, aws-internal/3 aws-sdk-java/1.11.975 Linux/5.10.184",
      "EC2ConsoleFrontend, aws-internal/3 aws-sdk-java/1.11.848 Linux/4.9.217",
    ])
      expect(isConsoleUserAgent(ua), ua).toBe(true);
    for (const ua of [
      "AWS Internal",
      "aws-internal/3 aws-sdk-java/1.11.1030 Linux/5.4.116",
      "secretsmanager.amazonaws.com",
    ])
      expect(isConsoleUserAgent(ua), ua).toBe(false);
  });

  it("take a call as the console's only when no AWS service made it for the caller", () => {
    // A console session's own read (the console's back end shows AWS Internal, with the flag set).
    expect(isConsoleCall({ userAgent: "AWS Internal", sessionCredentialFromConsole: "true" })).toBe(true);
    expect(isConsoleCall({ userAgent: "console.ec2.amazonaws.com" })).toBe(true);
    expect(isConsoleCall({ userAgent: "AWS Internal", sessionCredentialFromConsole: true })).toBe(true);
    // AWS Internal alone, or with invokedBy: a service acting for the caller (KMS Decrypt for S3, Config, …).
    expect(isConsoleCall({ userAgent: "AWS Internal" })).toBe(false);
    expect(actingService({ userAgent: "AWS Internal" })).toBe("AWS Internal");
    expect(isConsoleCall({ userAgent: "AWS Internal", invokedBy: "AWS Internal" })).toBe(false);
    expect(
      isConsoleCall({
        userAgent: "AWS Internal",
        invokedBy: "health.amazonaws.com",
        sessionCredentialFromConsole: "true",
      }),
    ).toBe(false);
    expect(actingService({ userAgent: "config.amazonaws.com", invokedBy: "config.amazonaws.com" })).toBe(
      "config.amazonaws.com",
    );
    expect(actingService({ userAgent: SDK })).toBeNull();
    expect(
      actingService({ userAgent: "console.amazonaws.com", sessionCredentialFromConsole: "true" }),
    ).toBeNull();
  });

  it("reduce one call's agent to the same bits as a list of one", () => {
    expect(agentClassOf(null)).toBe(AGENT_APPLICATION);
    expect(agentClassOf(SSM)).toBe(AGENT_SSM | AGENT_APPLICATION);
    expect(agentClassOf(LAMBDA)).toBe(AGENT_LAMBDA | AGENT_APPLICATION);
    expect(agentClassOf(AGENT)).toBe(agentClass([AGENT]));
  });
});
