import { describe, expect, it } from "vitest";
import {
  AGENT_APPLICATION,
  AGENT_ECS_AGENT,
  AGENT_ECS_TASK,
  AGENT_LAMBDA,
  AGENT_SSM,
  agentClass,
  agentClassOf,
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

  it("reduce one call's agent to the same bits as a list of one", () => {
    expect(agentClassOf(null)).toBe(AGENT_APPLICATION);
    expect(agentClassOf(SSM)).toBe(AGENT_SSM | AGENT_APPLICATION);
    expect(agentClassOf(LAMBDA)).toBe(AGENT_LAMBDA | AGENT_APPLICATION);
    expect(agentClassOf(AGENT)).toBe(agentClass([AGENT]));
  });
});
