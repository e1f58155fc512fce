import { describe, expect, it } from "vitest";
import {
  ecsName,
  execSwitchOf,
  familyWithTaskRole,
  launchedTask,
  launchRecords,
  registeredDefinition,
  serviceDefinition,
  serviceRunningFamily,
  taskDefinitionFamily,
  taskDefinitionOf,
  taskDefinitionRef,
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

describe("taskDefinitionRef", () => {
  it.each([
    ["web", { family: "web", revision: null }],
    ["web:3", { family: "web", revision: 3 }],
    [
      "arn:aws:ecs:eu-west-1:111122223333:task-definition/web_api-2:14",
      { family: "web_api-2", revision: 14 },
    ],
    ["web:x", null],
    ["a/b", null],
    ["arn:aws:s3:::bucket/web:3", null],
    ["", null],
  ])("%s → %o", (ref, expected) => expect(taskDefinitionRef(ref)).toEqual(expected));
});

describe("ecsName", () => {
  it.each([
    ["prod", "prod"],
    ["arn:aws:ecs:eu-west-1:111122223333:cluster/prod", "prod"],
    ["arn:aws:ecs:eu-west-1:111122223333:service/prod/web", "web"],
    ["arn:aws:ecs:eu-west-1:111122223333:service/web", "web"],
  ])("%s → %s", (given, name) => expect(ecsName(given)).toBe(name));
});

describe("launchRecords", () => {
  it("reads every launched task's ID, cluster name, definition and service", () => {
    const record = runTask("service:checkout");
    const second = record.responseElements.tasks[1] as Record<string, unknown>;
    second.taskDefinitionArn = "arn:aws:ecs:eu-west-1:111122223333:task-definition/checkout:7";
    expect(launchRecords(record)).toEqual([
      {
        taskId: "aaaabbbbccccddddeeeeffff00001111",
        taskArn: "arn:aws:ecs:eu-west-1:111122223333:task/prod/aaaabbbbccccddddeeeeffff00001111",
        cluster: null,
        family: null,
        revision: null,
        service: null,
      },
      {
        taskId: TASK_ID,
        taskArn: `arn:aws:ecs:eu-west-1:111122223333:task/prod/${TASK_ID}`,
        cluster: "prod",
        family: "checkout",
        revision: 7,
        service: "checkout",
      },
    ]);
  });

  it("reads nothing from another event, a failed launch or tasks without an ARN", () => {
    expect(launchRecords({ ...runTask(undefined), eventName: "StopTask" })).toEqual([]);
    expect(launchRecords({ eventName: "RunTask", responseElements: null })).toEqual([]);
    expect(
      launchRecords({ eventName: "StartTask", responseElements: { tasks: [{ group: "x" }, 3] } }),
    ).toEqual([]);
  });
});

describe("registeredDefinition", () => {
  const record = (requestParameters: unknown, responseElements: unknown = null) => ({
    eventName: "RegisterTaskDefinition",
    recipientAccountId: "111122223333",
    requestParameters,
    responseElements,
  });

  it("reads the family, the revision the response gave and the task role as the request named it", () => {
    expect(
      registeredDefinition(
        record({ family: "billing", taskRoleArn: "billing-task" }, { taskDefinition: { revision: 3 } }),
      ),
    ).toEqual({ family: "billing", revision: 3, taskRole: "billing-task", accountId: "111122223333" });
    expect(
      registeredDefinition(record({ family: "billing", taskRoleArn: "arn:aws:iam::1:role/x" })),
    ).toMatchObject({
      revision: null,
      taskRole: "arn:aws:iam::1:role/x",
    });
  });

  it("is null without a task role or a family, or for another event", () => {
    expect(registeredDefinition(record({ family: "billing" }))).toBeNull();
    expect(registeredDefinition(record({ taskRoleArn: "x" }))).toBeNull();
    expect(
      registeredDefinition({
        eventName: "CreateService",
        requestParameters: { family: "a", taskRoleArn: "b" },
      }),
    ).toBeNull();
  });
});

describe("serviceDefinition", () => {
  const record = (eventName: string, requestParameters: unknown) => ({ eventName, requestParameters });

  it("reads the service, its cluster's name (default when none) and its task definition", () => {
    expect(
      serviceDefinition(
        record("CreateService", {
          cluster: "arn:aws:ecs:eu-west-1:111122223333:cluster/prod",
          serviceName: "billing-api",
          taskDefinition: "billing:3",
        }),
      ),
    ).toEqual({ service: "billing-api", cluster: "prod", definition: { family: "billing", revision: 3 } });
    expect(
      serviceDefinition(
        record("UpdateService", { service: "arn:aws:ecs:eu-west-1:111122223333:service/prod/web" }),
      ),
    ).toEqual({
      service: "web",
      cluster: "default",
      definition: null,
    });
  });

  it("is null for another event or a request without a service", () => {
    expect(serviceDefinition(record("DeleteService", { service: "web" }))).toBeNull();
    expect(serviceDefinition(record("CreateService", { cluster: "prod" }))).toBeNull();
  });
});

describe("one reading of each record shape", () => {
  it("gives launchedTask and launchRecords the same task, service and cluster", () => {
    const record = runTask("service:checkout");
    const launched = launchedTask(record, TASK_ID);
    const stored = launchRecords(record).find((t) => t.taskId === TASK_ID);
    expect(stored?.taskArn).toBe(launched?.taskArn);
    expect(stored?.service).toBe(launched?.service);
    expect(stored?.cluster).toBe(ecsName(launched?.cluster ?? ""));
  });

  it("gives the registration readers the same family, revision and task role", () => {
    const record = {
      eventName: "RegisterTaskDefinition",
      recipientAccountId: "111122223333",
      requestParameters: {
        family: "billing",
        taskRoleArn: "billing-task",
        executionRoleArn: "arn:aws:iam::111122223333:role/exec",
        requiresCompatibilities: ["FARGATE"],
        containerDefinitions: [{ name: "app", environment: [{ name: "MODE", value: "prod" }] }],
      },
      responseElements: { taskDefinition: { revision: 3 } },
    };
    expect(registeredDefinition(record)).toEqual({
      family: "billing",
      revision: 3,
      taskRole: "billing-task",
      accountId: "111122223333",
    });
    expect(familyWithTaskRole(record, "arn:aws:iam::111122223333:role/billing-task")).toBe("billing");
    expect(taskDefinitionOf(record)).toEqual({
      family: "billing",
      revision: 3,
      account: "111122223333",
      taskRoleArn: "billing-task",
      executionRoleArn: "arn:aws:iam::111122223333:role/exec",
      fargate: true,
      containers: [{ name: "app", literalEnvironment: ["MODE"], hasSecrets: false, awslogs: false }],
    });
    // A failed registration registers nothing the report shows, but still names its family and role.
    const failed = { ...record, errorCode: "ClientException" };
    expect(taskDefinitionOf(failed)).toBeNull();
    expect(registeredDefinition(failed)?.family).toBe("billing");
  });

  it("gives the service readers the same service, cluster and task definition", () => {
    const record = {
      eventName: "UpdateService",
      recipientAccountId: "111122223333",
      eventTime: "2026-11-18T08:00:00Z",
      requestParameters: {
        cluster: "arn:aws:ecs:eu-west-1:111122223333:cluster/prod",
        service: "arn:aws:ecs:eu-west-1:111122223333:service/prod/web",
        taskDefinition: "web:4",
        enableExecuteCommand: true,
      },
    };
    expect(serviceDefinition(record)).toEqual({
      service: "web",
      cluster: "prod",
      definition: { family: "web", revision: 4 },
    });
    expect(serviceRunningFamily(record, "web")).toBe(record.requestParameters.service);
    expect(execSwitchOf(record)).toEqual({
      eventName: "UpdateService",
      time: "2026-11-18T08:00:00Z",
      account: "111122223333",
      cluster: "prod",
      service: "web",
      taskDefinition: "web:4",
      taskRoleOverride: null,
      enabled: true,
    });
  });
});
