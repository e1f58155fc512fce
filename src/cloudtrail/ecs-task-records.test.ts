import { describe, expect, it } from "vitest";
import {
  familyWithTaskRole,
  launchedTask,
  serviceRunningFamily,
  taskDefinitionFamily,
} from "./ecs-task-records.js";

const TASK_ID = "0f4b1c2d3e4f5a6b7c8d9e0f1a2b3c4d";
const runTask = (group: string | undefined) => ({
  eventName: "RunTask",
  responseElements: {
    tasks: [
      { taskArn: "arn:aws:ecs:eu-west-1:111122223333:task/prod/aaaabbbbccccddddeeeeffff00001111" },
      {
        taskArn: `arn:aws:ecs:eu-west-1:111122223333:task/prod/${TASK_ID}`,
        clusterArn: "arn:aws:ecs:eu-west-1:111122223333:cluster/prod",
        ...(group === undefined ? {} : { group }),
      },
    ],
  },
});

describe("launchedTask", () => {
  it("finds the task by ID among the response's tasks, with its cluster and service group", () => {
    expect(launchedTask(runTask("service:checkout"), TASK_ID)).toEqual({
      taskArn: `arn:aws:ecs:eu-west-1:111122223333:task/prod/${TASK_ID}`,
      cluster: "arn:aws:ecs:eu-west-1:111122223333:cluster/prod",
      service: "checkout",
    });
  });

  it("has no service for a standalone task's family group or an empty service name", () => {
    expect(launchedTask(runTask("family:web"), TASK_ID)?.service).toBeNull();
    expect(launchedTask(runTask("service:"), TASK_ID)?.service).toBeNull();
    expect(launchedTask(runTask(undefined), TASK_ID)?.service).toBeNull();
  });

  it("is null for another task, a failed launch without tasks, or a record that is not an object", () => {
    expect(launchedTask(runTask("service:x"), "ffffffffffffffffffffffffffffffff")).toBeNull();
    expect(launchedTask({ eventName: "RunTask", responseElements: null }, TASK_ID)).toBeNull();
    expect(launchedTask({ responseElements: { tasks: "nope" } }, TASK_ID)).toBeNull();
    expect(launchedTask(null, TASK_ID)).toBeNull();
  });
});

describe("taskDefinitionFamily", () => {
  it.each([
    ["web", "web"],
    ["web:3", "web"],
    ["arn:aws:ecs:eu-west-1:111122223333:task-definition/web:3", "web"],
  ])("%s → %s", (ref, family) => expect(taskDefinitionFamily(ref)).toBe(family));
});

describe("familyWithTaskRole", () => {
  const ROLE = "arn:aws:iam::111122223333:role/app/checkout-task";
  const register = (taskRoleArn: string, eventName = "RegisterTaskDefinition") => ({
    eventName,
    requestParameters: { family: "checkout", taskRoleArn },
  });

  it("names the family registered with the role as task role, by ARN or by role name", () => {
    expect(familyWithTaskRole(register(ROLE), ROLE)).toBe("checkout");
    expect(familyWithTaskRole(register("checkout-task"), ROLE)).toBe("checkout");
  });

  it("is null for another role, or a record that is not a registration", () => {
    expect(familyWithTaskRole(register("arn:aws:iam::111122223333:role/other"), ROLE)).toBeNull();
    expect(familyWithTaskRole(register(ROLE, "DeregisterTaskDefinition"), ROLE)).toBeNull();
  });
});

describe("serviceRunningFamily", () => {
  it("names the service whose task definition belongs to the family (CreateService or UpdateService)", () => {
    const create = { requestParameters: { serviceName: "checkout", taskDefinition: "checkout:7" } };
    const update = {
      requestParameters: {
        service: "checkout",
        taskDefinition: "arn:aws:ecs:eu-west-1:111122223333:task-definition/checkout:8",
      },
    };
    expect(serviceRunningFamily(create, "checkout")).toBe("checkout");
    expect(serviceRunningFamily(update, "checkout")).toBe("checkout");
  });

  it("is null for another family's service or a service update without a task definition", () => {
    expect(
      serviceRunningFamily({ requestParameters: { serviceName: "a", taskDefinition: "web:1" } }, "checkout"),
    ).toBeNull();
    expect(
      serviceRunningFamily({ requestParameters: { service: "checkout", desiredCount: 0 } }, "checkout"),
    ).toBeNull();
  });
});
