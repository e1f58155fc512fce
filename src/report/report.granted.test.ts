import { describe, expect, it } from "vitest";
import { indexGranted } from "./report.granted.js";

const attach = (policyArn: string) => ({
  eventTime: 1,
  eventName: "AttachRolePolicy",
  accountId: "123456789012",
  record: { requestParameters: { roleName: "web-exec", policyArn } },
});

describe("indexGranted", () => {
  it("reads an AWS managed policy attached in any partition from the built-in table", () => {
    for (const partition of ["aws", "aws-cn", "aws-us-gov"]) {
      const arn = `arn:${partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`;
      const [policy] = indexGranted([attach(arn)]).forRole("123456789012", "web-exec").policies;
      expect(policy).toMatchObject({ arn, source: "aws-managed", known: true });
      expect(policy?.patterns).toContain("ecr:BatchGetImage");
    }
  });

  it("reads a customer policy of the same name as a customer policy", () => {
    const arn = "arn:aws:iam::123456789012:policy/AmazonECSTaskExecutionRolePolicy";
    const [policy] = indexGranted([attach(arn)]).forRole("123456789012", "web-exec").policies;
    expect(policy).toMatchObject({ arn, source: "customer-managed", known: false });
  });

  it("replays only the events it knows: names every object inherits change nothing and throw nothing", () => {
    const arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
    const odd = ["__proto__", "constructor", "toString", "hasOwnProperty"].map((eventName) => ({
      ...attach(arn),
      eventName,
    }));
    const index = indexGranted([...odd, attach(arn)]);
    expect(index.forRole("123456789012", "web-exec").policies.map((p) => p.arn)).toEqual([arn]);
  });
});
