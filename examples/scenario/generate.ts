/**
 * Writes the labelled scenario trail (examples/README.md tells the story). Deterministic: ids come from a hash of
 * a counter, times are fixed. The committed JSON is the source of truth; rerun with `npx tsx examples/scenario/generate.ts`.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeOrgDirectory } from "../../test/support/policy-events.js";

type Json = Record<string, unknown>;

const A = "111122223333";
const B = "444455556666";
const ORG = "999988887777";
const REGION = "eu-west-1";
const DAY = "2026-11-16";
const here = dirname(fileURLToPath(import.meta.url));

const records: Json[] = [];
const roles: Record<string, string> = {};
const denials: Record<string, Json> = {};
let counter = 0;

function hex(seed: string, n: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, n);
}
function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
function at(hms: string): string {
  return `${DAY}T${hms}Z`;
}
function roleArn(name: string, path = "", account = A): string {
  return `arn:aws:iam::${account}:role/${path}${name}`;
}
function label(arn: string, kind: string): string {
  roles[arn] = kind;
  return arn;
}

// ---- identities -------------------------------------------------------------------------------------------
interface RoleId {
  name: string;
  path?: string;
  account?: string;
  delivery?: string;
  webId?: string;
}
function assumed(r: RoleId, session: string): Json {
  const account = r.account ?? A;
  const roleId = `AROA${hex(`role:${r.name}`, 17).toUpperCase()}`;
  const ctx: Json = {
    sessionIssuer: {
      type: "Role",
      principalId: roleId,
      arn: roleArn(r.name, r.path ?? "", account),
      accountId: account,
      userName: r.name,
    },
    attributes: { creationDate: at("09:00:00"), mfaAuthenticated: "false" },
  };
  if (r.delivery) ctx.ec2RoleDelivery = r.delivery;
  if (r.webId) ctx.webIdFederationData = { federatedProvider: r.webId, attributes: {} };
  return {
    type: "AssumedRole",
    principalId: `${roleId}:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${r.name}/${session}`,
    accountId: account,
    accessKeyId: `ASIA${hex(`key:${r.name}:${session}`, 16).toUpperCase()}`,
    sessionContext: ctx,
  };
}
const ciUser: Json = {
  type: "IAMUser",
  principalId: "AIDAEXAMPLECIDEPLOYER1",
  arn: `arn:aws:iam::${A}:user/ci-deployer`,
  accountId: A,
  accessKeyId: "AKIAEXAMPLECIDEPLOY1",
  userName: "ci-deployer",
};
const rootUser: Json = {
  type: "Root",
  principalId: A,
  arn: `arn:aws:iam::${A}:root`,
  accountId: A,
  accessKeyId: "ASIAEXAMPLEROOTCONS1",
};
function service(svc: string): Json {
  return { type: "AWSService", invokedBy: svc };
}
function invoked(identity: Json, svc: string): Json {
  return { ...identity, invokedBy: svc };
}

// ---- records ----------------------------------------------------------------------------------------------
interface Call {
  time: string;
  who: Json;
  source: string;
  name: string;
  req?: Json | null;
  resp?: Json | null;
  ua: string;
  ip?: string;
  readOnly?: boolean;
  data?: boolean;
  resources?: Json[];
  error?: [string, string];
  vpce?: string;
  account?: string;
  extra?: Json;
}
function rec(c: Call): string {
  counter += 1;
  const id = uuid(`event:${counter}`);
  const isService = (c.who.type as string) === "AWSService";
  const r: Json = {
    eventVersion: c.data ? "1.09" : "1.10",
    userIdentity: c.who,
    eventTime: at(c.time),
    eventSource: `${c.source}.amazonaws.com`,
    eventName: c.name,
    awsRegion: REGION,
    sourceIPAddress: c.ip ?? (isService ? (c.who.invokedBy as string) : "203.0.113.24"),
    userAgent: c.ua,
  };
  if (c.error) {
    r.errorCode = c.error[0];
    r.errorMessage = c.error[1];
  }
  r.requestParameters = c.req ?? null;
  r.responseElements = c.error ? null : (c.resp ?? null);
  r.requestID = uuid(`request:${counter}`);
  r.eventID = id;
  r.readOnly = c.readOnly ?? false;
  if (c.resources) r.resources = c.resources;
  r.eventType = isService ? "AwsServiceEvent" : "AwsApiCall";
  if (isService && c.source === "sts") r.eventType = "AwsApiCall";
  r.managementEvent = !c.data;
  r.recipientAccountId = c.account ?? A;
  if (c.vpce) r.vpcEndpointId = c.vpce;
  r.eventCategory = c.data ? "Data" : "Management";
  if (!isService)
    r.tlsDetails = {
      tlsVersion: "TLSv1.3",
      cipherSuite: "TLS_AES_128_GCM_SHA256",
      clientProvidedHostHeader: `${c.source}.${REGION}.amazonaws.com`,
    };
  if (c.extra) Object.assign(r, c.extra);
  records.push(r);
  return id;
}
function deny(
  c: Call,
  l: {
    action: string;
    resource: string;
    deniedBy: string;
    fixTarget: string;
    fixRoleArn?: string;
    /** The noise reason the denial must carry, or null when it must not be noise (labelled where it matters). */
    noise?: string | null;
  },
): void {
  const id = rec(c);
  denials[id] = l;
}
function msg(principal: string, action: string, resource: string | null, context: string): string {
  return `User: ${principal} is not authorized to perform: ${action}${resource ? ` on resource: ${resource}` : ""} ${context}`;
}
const noIdentity = (action: string) => `because no identity-based policy allows the ${action} action`;
function sessionArn(r: RoleId, session: string): string {
  return `arn:aws:sts::${r.account ?? A}:assumed-role/${r.name}/${session}`;
}

// ---- user agents ------------------------------------------------------------------------------------------
const AGENT = "Amazon ECS Agent - v1.89.2 (a1b2c3d) (linux; amzn2) (+http://aws.amazon.com/ecs/)";
const DOCKER =
  "docker/25.0.6 go/go1.22.7 git-commit/b08a51f kernel/6.1.112-124.190.amzn2023.x86_64 os/linux arch/amd64";
const FARGATE_AGENT = "aws-sdk-go/1.55.5 (go1.22.8; linux; amd64)";
const JAVA_FARGATE =
  "aws-sdk-java/2.28.16 Linux/5.10.226-214.880.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS Java/21.0.5 vendor/Amazon.com_Inc. md/internal exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/legacy";
const NODE_FARGATE =
  "aws-sdk-js/3.691.0 ua/2.1 os/linux#5.10.226 lang/js md/nodejs#20.18.0 api/s3#3.691.0 exec-env/AWS_ECS_FARGATE m/E";
const BOTO_EC2 =
  "Boto3/1.35.54 md/Botocore#1.35.54 ua/2.0 os/linux#6.1.112 md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython exec-env/AWS_ECS_EC2 cfg/retry-mode#legacy Botocore/1.35.54";
const GO_EC2 =
  "aws-sdk-go-v2/1.32.4 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/sqs#1.36.4 exec-env/AWS_ECS_EC2";
const SSM_AGENT = "aws-sdk-go/1.44.260 (go1.22.5; linux; amd64) amazon-ssm-agent/3.3.987.0";
const LAMBDA_UA =
  "Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.227-239.884.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.145";
const BOTO_EKS =
  "Boto3/1.35.54 md/Botocore#1.35.54 ua/2.0 os/linux#6.1.112 md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.54";
const GO_EKS = "aws-sdk-go-v2/1.32.4 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/s3#1.66.3";
const EKSAUTH_UA =
  "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/eksauth#1.7.3";
const KUBELET_ECR =
  "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ecr#1.32.0";
const CLI =
  "aws-cli/2.22.0 md/awscrt#0.22.0 ua/2.0 os/linux#6.5.0-1025-azure md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#ecs.register-task-definition";
const TERRAFORM =
  "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.76.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.4 os/linux lang/go#1.23.2";
const CONSOLE =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

// ---- principals -------------------------------------------------------------------------------------------
const checkoutTask: RoleId = { name: "checkout-task-role" };
const checkoutExec: RoleId = { name: "checkout-execution-role", path: "ecs/" };
const billingTask: RoleId = { name: "billing-ecsTaskExecutionRole" };
const defaultExec: RoleId = { name: "ecsTaskExecutionRole" };
const reports: RoleId = { name: "reports-role" };
const searchApp: RoleId = { name: "search-app" };
const searchRuntime: RoleId = { name: "search-runtime" };
const workerTask: RoleId = { name: "worker-task-role" };
const hostMain: RoleId = { name: "main-ecs-instance-role", delivery: "2.0" };
const hostGpu: RoleId = { name: "gpu-ecs-instance-role", delivery: "2.0" };
const bastion: RoleId = { name: "bastion-instance-role", delivery: "2.0" };
const eksNode: RoleId = { name: "eks-node-role", delivery: "2.0" };
const lambdaRole: RoleId = { name: "thumbnailer-lambda-role", path: "service-role/" };
const OIDC = `arn:aws:iam::${A}:oidc-provider/oidc.eks.${REGION}.amazonaws.com/id/5C7D2E4F9A1B3C6D8E0F2A4B6C8D0E1F`;
const irsa: RoleId = { name: "orders-api-irsa", webId: OIDC };
const podRole: RoleId = { name: "inventory-pod-role" };
const ssoAdmin: RoleId = {
  name: "AWSReservedSSO_AdministratorAccess_1a2b3c4d5e6f7a8b",
  path: `aws-reserved/sso.amazonaws.com/${REGION}/`,
};
const ssoRead: RoleId = {
  name: "AWSReservedSSO_ReadOnlyAccess_8b7a6f5e4d3c2b1a",
  path: `aws-reserved/sso.amazonaws.com/${REGION}/`,
};
const slrEcs: RoleId = { name: "AWSServiceRoleForECS", path: "aws-service-role/ecs.amazonaws.com/" };
const slrAsg: RoleId = {
  name: "AWSServiceRoleForAutoScaling",
  path: "aws-service-role/autoscaling.amazonaws.com/",
};
const eventsRole: RoleId = { name: "ecsEventsRole" };
const autoscaleRole: RoleId = { name: "ecsAutoscaleRole" };
const codedeployRole: RoleId = { name: "ecsCodeDeployRole" };
const serviceRole: RoleId = { name: "ecsServiceRole" };
const terraform: RoleId = { name: "terraform-deployer" };
const ghaRunner: RoleId = { name: "gha-runner", account: B };
const analytics: RoleId = { name: "analytics-reader", account: B };

const arnOf = (r: RoleId) => roleArn(r.name, r.path ?? "", r.account ?? A);
label(arnOf(checkoutTask), "ecs-task");
label(arnOf(checkoutExec), "ecs-task-execution");
label(arnOf(billingTask), "ecs-task");
label(arnOf(defaultExec), "ecs-task-execution");
label(arnOf(reports), "ecs-task"); // dual use: task role and execution role; ecs-task leads, dualUse is asserted apart
label(arnOf(searchApp), "ecs-task");
label(arnOf(searchRuntime), "ecs-task-execution");
label(arnOf(workerTask), "ecs-task");
label(arnOf(hostMain), "ecs-container-instance");
label(arnOf(hostGpu), "ecs-container-instance");
label(arnOf(bastion), "ec2-instance");
label(arnOf(eksNode), "ec2-instance");
label(arnOf(lambdaRole), "lambda");
label(arnOf(irsa), "eks-irsa");
label(arnOf(podRole), "eks-pod-identity");
label(arnOf(ssoAdmin), "sso");
label(arnOf(ssoRead), "sso");
label(arnOf(slrEcs), "service-linked");
label(arnOf(slrAsg), "service-linked");
label(arnOf(eventsRole), "ecs-events");
label(arnOf(autoscaleRole), "ecs-autoscale");
label(arnOf(codedeployRole), "ecs-codedeploy");
label(arnOf(serviceRole), "ecs-service");
label(arnOf(terraform), "chained-role"); // assumed by gha-runner's session (role chaining)
label(arnOf(ghaRunner), "unknown");
label(arnOf(analytics), "unknown");
label(`arn:aws:iam::${A}:user/ci-deployer`, "iam-user");
label(`arn:aws:iam::${A}:root`, "root");

// ---- 08:55 CI in account B assumes the deploy role; Terraform creates roles -------------------------------
const TF_SESSION = "gha-deploy-8412";
const tf = assumed(terraform, TF_SESSION);
rec({
  time: "08:55:02",
  who: assumed(ghaRunner, "GitHubActions"),
  source: "sts",
  name: "AssumeRole",
  req: {
    roleArn: arnOf(terraform),
    roleSessionName: TF_SESSION,
    durationSeconds: 3600,
    policy:
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","ec2:*","lambda:*","ecs:*"],"Resource":"*"}]}',
  },
  resp: {
    assumedRoleUser: {
      assumedRoleId: `AROA${hex("role:terraform-deployer", 17).toUpperCase()}:${TF_SESSION}`,
      arn: sessionArn(terraform, TF_SESSION),
    },
  },
  ua: TERRAFORM,
  ip: "20.55.14.201",
  resources: [{ accountId: A, type: "AWS::IAM::Role", ARN: arnOf(terraform) }],
});
deny(
  {
    time: "08:54:40",
    who: assumed(ghaRunner, "GitHubActions"),
    source: "sts",
    name: "AssumeRole",
    req: { roleArn: roleArn("prod-admin"), roleSessionName: "gha-deploy-8411" },
    ua: TERRAFORM,
    ip: "20.55.14.201",
    error: [
      "AccessDenied",
      `${msg(sessionArn(ghaRunner, "GitHubActions"), "sts:AssumeRole", roleArn("prod-admin"), "because no role trust policy allows the sts:AssumeRole action")}`,
    ],
  },
  {
    action: "sts:AssumeRole",
    resource: roleArn("prod-admin"),
    deniedBy: "role-trust",
    fixTarget: "trust-policy",
  },
);

function trustDoc(principal: Json, encode: boolean, action = "sts:AssumeRole", condition?: Json): string {
  const st: Json = { Effect: "Allow", Principal: principal, Action: action };
  if (condition) st.Condition = condition;
  const text = JSON.stringify({ Version: "2012-10-17", Statement: [st] });
  return encode ? encodeURIComponent(text) : text;
}
let minute = 0;
function tfTime(): string {
  minute += 1;
  return `09:${String(Math.floor(minute / 4)).padStart(2, "0")}:${String((minute % 4) * 13 + 3).padStart(2, "0")}`;
}
function createRole(r: RoleId, doc: string): void {
  const path = `/${r.path ?? ""}`;
  rec({
    time: tfTime(),
    who: tf,
    source: "iam",
    name: "CreateRole",
    req: { roleName: r.name, path, assumeRolePolicyDocument: doc, maxSessionDuration: 3600 },
    resp: {
      role: {
        path,
        roleName: r.name,
        roleId: `AROA${hex(`role:${r.name}`, 17).toUpperCase()}`,
        arn: arnOf(r),
        createDate: `Nov 16, 2026, 9:0${minute % 10}:00 AM`,
        assumeRolePolicyDocument: doc,
      },
    },
    ua: TERRAFORM,
    ip: "20.55.14.201",
  });
}
function attach(r: RoleId, policy: string): void {
  rec({
    time: tfTime(),
    who: tf,
    source: "iam",
    name: "AttachRolePolicy",
    req: { roleName: r.name, policyArn: policy },
    ua: TERRAFORM,
    ip: "20.55.14.201",
  });
}
const ecsTasks = { Service: "ecs-tasks.amazonaws.com" };
const ecsTasksCond = {
  ArnLike: { "aws:SourceArn": `arn:aws:ecs:${REGION}:${A}:*` },
  StringEquals: { "aws:SourceAccount": A },
};
createRole(checkoutTask, trustDoc(ecsTasks, true, "sts:AssumeRole", ecsTasksCond));
createRole(checkoutExec, trustDoc(ecsTasks, true));
attach(checkoutExec, "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
createRole(billingTask, trustDoc(ecsTasks, false));
createRole(reports, trustDoc(ecsTasks, true));
attach(reports, "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
createRole(workerTask, trustDoc({ Service: ["ecs-tasks.amazonaws.com"] }, true));
createRole(hostMain, trustDoc({ Service: "ec2.amazonaws.com" }, true));
attach(hostMain, "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role");
attach(hostMain, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
createRole(hostGpu, trustDoc({ Service: "ec2.amazonaws.com" }, true));
attach(hostGpu, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
createRole(bastion, trustDoc({ Service: ["ec2.amazonaws.com"] }, false));
attach(bastion, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
createRole(lambdaRole, trustDoc({ Service: "lambda.amazonaws.com" }, true));
attach(lambdaRole, "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
createRole(
  irsa,
  trustDoc({ Federated: OIDC }, true, "sts:AssumeRoleWithWebIdentity", {
    StringEquals: {
      [`oidc.eks.${REGION}.amazonaws.com/id/5C7D2E4F9A1B3C6D8E0F2A4B6C8D0E1F:sub`]:
        "system:serviceaccount:orders:orders-api",
    },
  }),
);
createRole(podRole, trustDoc({ Service: "pods.eks.amazonaws.com" }, true, "sts:AssumeRole"));
createRole(eventsRole, trustDoc({ Service: "events.amazonaws.com" }, true));
attach(eventsRole, "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceEventsRole");
createRole(autoscaleRole, trustDoc({ Service: "application-autoscaling.amazonaws.com" }, false));
attach(autoscaleRole, "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceAutoscaleRole");
createRole(codedeployRole, trustDoc({ Service: ["codedeploy.amazonaws.com"] }, true));
attach(codedeployRole, "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS");
createRole(serviceRole, trustDoc({ Service: "ecs.amazonaws.com" }, true));
attach(serviceRole, "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole");
for (const [profile, r] of [
  ["main-ecs-instance-profile", hostMain],
  ["gpu-ecs-instance-profile", hostGpu],
  ["bastion-profile", bastion],
] as const) {
  rec({
    time: tfTime(),
    who: tf,
    source: "iam",
    name: "CreateInstanceProfile",
    req: { instanceProfileName: profile, path: "/" },
    resp: {
      instanceProfile: {
        path: "/",
        instanceProfileName: profile,
        arn: `arn:aws:iam::${A}:instance-profile/${profile}`,
        roles: [],
      },
    },
    ua: TERRAFORM,
    ip: "20.55.14.201",
  });
  rec({
    time: tfTime(),
    who: tf,
    source: "iam",
    name: "AddRoleToInstanceProfile",
    req: { instanceProfileName: profile, roleName: r.name },
    ua: TERRAFORM,
    ip: "20.55.14.201",
  });
}
deny(
  {
    time: "09:09:31",
    who: tf,
    source: "iam",
    name: "DeleteRole",
    req: { roleName: "legacy-reporting-role" },
    ua: TERRAFORM,
    ip: "20.55.14.201",
    error: [
      "AccessDenied",
      msg(
        sessionArn(terraform, TF_SESSION),
        "iam:DeleteRole",
        roleArn("legacy-reporting-role"),
        "because no session policy allows the iam:DeleteRole action",
      ),
    ],
  },
  {
    action: "iam:DeleteRole",
    resource: roleArn("legacy-reporting-role"),
    deniedBy: "session",
    fixTarget: "session-policy",
  },
);
rec({
  time: "09:10:00",
  who: tf,
  source: "lambda",
  name: "CreateFunction20150331",
  req: {
    functionName: "thumbnailer",
    runtime: "python3.12",
    role: arnOf(lambdaRole),
    handler: "app.handler",
    memorySize: 512,
    timeout: 30,
  },
  resp: {
    functionName: "thumbnailer",
    functionArn: `arn:aws:lambda:${REGION}:${A}:function:thumbnailer`,
    role: arnOf(lambdaRole),
    state: "Pending",
  },
  ua: TERRAFORM,
  ip: "20.55.14.201",
});
rec({
  time: "09:10:20",
  who: tf,
  source: "ec2",
  name: "RunInstances",
  req: {
    instancesSet: { items: [{ imageId: "ami-0c1f2e3d4b5a69788", minCount: 1, maxCount: 1 }] },
    instanceType: "t3.micro",
    iamInstanceProfile: { name: "bastion-profile" },
    subnetId: "subnet-0a1b2c3d4e5f60718",
  },
  resp: {
    requestId: uuid("runinstances-bastion"),
    reservationId: "r-0b1c2d3e4f5a6b7c8",
    ownerId: A,
    instancesSet: {
      items: [
        {
          instanceId: "i-0c3d4e5f6a7b8c9d0",
          imageId: "ami-0c1f2e3d4b5a69788",
          instanceType: "t3.micro",
          iamInstanceProfile: {
            arn: `arn:aws:iam::${A}:instance-profile/bastion-profile`,
            id: "AIPAEXAMPLEBASTION01",
          },
        },
      ],
    },
  },
  ua: TERRAFORM,
  ip: "20.55.14.201",
});

// ---- 09:12 the CI user registers task definitions and wires services ---------------------------------------
const ci = ciUser;
const CI_IP = "198.51.100.17";
function taskDef(
  time: string,
  family: string,
  rev: number,
  task: string | null,
  exec: string | null,
  compat: string,
  containers: Json[],
): void {
  const req: Json = {
    family,
    containerDefinitions: containers,
    requiresCompatibilities: [compat],
    networkMode: compat === "FARGATE" ? "awsvpc" : "bridge",
    cpu: "512",
    memory: "1024",
  };
  if (task) req.taskRoleArn = task;
  if (exec) req.executionRoleArn = exec;
  const td: Json = {
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${A}:task-definition/${family}:${rev}`,
    family,
    revision: rev,
    status: "ACTIVE",
  };
  if (task) td.taskRoleArn = task;
  if (exec) td.executionRoleArn = exec;
  rec({
    time,
    who: ci,
    source: "ecs",
    name: "RegisterTaskDefinition",
    req,
    resp: { taskDefinition: td },
    ua: CLI,
    ip: CI_IP,
  });
}
const img = (repo: string, tag: string) => `${A}.dkr.ecr.${REGION}.amazonaws.com/${repo}:${tag}`;
const awslogs = (group: string) => ({
  logDriver: "awslogs",
  options: { "awslogs-group": group, "awslogs-region": REGION, "awslogs-stream-prefix": "ecs" },
});
taskDef("09:12:05", "checkout", 7, arnOf(checkoutTask), arnOf(checkoutExec), "FARGATE", [
  {
    name: "api",
    image: img("checkout/api", "2026.11.16-1"),
    essential: true,
    logConfiguration: awslogs("/ecs/checkout"),
    secrets: [
      {
        name: "DB_PASSWORD",
        valueFrom: `arn:aws:secretsmanager:${REGION}:${A}:secret:checkout/db-password-Q1w2E3`,
      },
    ],
  },
]);
taskDef("09:12:20", "billing", 3, arnOf(billingTask), arnOf(defaultExec), "FARGATE", [
  {
    name: "billing",
    image: img("billing/app", "v41"),
    essential: true,
    logConfiguration: awslogs("/ecs/billing"),
  },
]);
taskDef("09:12:41", "reports", 12, arnOf(reports), arnOf(reports), "FARGATE", [
  {
    name: "reports",
    image: img("reports/generator", "v9"),
    essential: true,
    logConfiguration: awslogs("/ecs/reports"),
  },
]);
taskDef("09:13:02", "worker", 5, "worker-task-role", null, "EC2", [
  { name: "worker", image: img("worker/app", "v17"), essential: true, memory: 512 },
]);
taskDef("09:13:20", "legacy-batch", 2, null, null, "EC2", [
  { name: "batch", image: img("legacy/batch", "v3"), essential: true, memory: 256 },
]);
deny(
  {
    time: "09:13:45",
    who: ci,
    source: "ecs",
    name: "RegisterTaskDefinition",
    req: {
      family: "reports",
      taskRoleArn: arnOf(reports),
      executionRoleArn: arnOf(reports),
      requiresCompatibilities: ["FARGATE"],
    },
    ua: CLI,
    ip: CI_IP,
    error: [
      "AccessDeniedException",
      msg(`arn:aws:iam::${A}:user/ci-deployer`, "iam:PassRole", arnOf(reports), noIdentity("iam:PassRole")),
    ],
  },
  {
    action: "iam:PassRole",
    resource: arnOf(reports),
    deniedBy: "identity",
    fixTarget: "iam-user",
    fixRoleArn: `arn:aws:iam::${A}:user/ci-deployer`,
  },
);
rec({
  time: "09:14:00",
  who: ci,
  source: "ecs",
  name: "CreateService",
  req: {
    cluster: "main-ec2",
    serviceName: "legacy-web",
    taskDefinition: "legacy-web:4",
    desiredCount: 2,
    role: "ecsServiceRole",
    loadBalancers: [{ loadBalancerName: "legacy-web-elb", containerName: "web", containerPort: 8080 }],
  },
  resp: {
    service: {
      serviceArn: `arn:aws:ecs:${REGION}:${A}:service/main-ec2/legacy-web`,
      serviceName: "legacy-web",
      roleArn: arnOf(serviceRole),
      status: "ACTIVE",
    },
  },
  ua: CLI,
  ip: CI_IP,
});
rec({
  time: "09:14:30",
  who: ci,
  source: "events",
  name: "PutTargets",
  req: {
    rule: "nightly-reports",
    targets: [
      {
        id: "reports",
        arn: `arn:aws:ecs:${REGION}:${A}:cluster/main`,
        roleArn: arnOf(eventsRole),
        ecsParameters: {
          taskDefinitionArn: `arn:aws:ecs:${REGION}:${A}:task-definition/reports:12`,
          taskCount: 1,
          launchType: "FARGATE",
        },
      },
    ],
  },
  resp: { failedEntryCount: 0, failedEntries: [] },
  ua: CLI,
  ip: CI_IP,
});
rec({
  time: "09:14:50",
  who: ci,
  source: "application-autoscaling",
  name: "RegisterScalableTarget",
  req: {
    serviceNamespace: "ecs",
    resourceId: "service/main/checkout",
    scalableDimension: "ecs:service:DesiredCount",
    minCapacity: 2,
    maxCapacity: 12,
    roleARN: arnOf(autoscaleRole),
  },
  resp: {
    scalableTargetARN: `arn:aws:application-autoscaling:${REGION}:${A}:scalable-target/0ec5a1b2c3d4e5f6a7b8c9d0e1f2a3b4`,
  },
  ua: CLI,
  ip: CI_IP,
});
rec({
  time: "09:15:10",
  who: ci,
  source: "codedeploy",
  name: "CreateDeploymentGroup",
  req: {
    applicationName: "checkout",
    deploymentGroupName: "checkout-bluegreen",
    serviceRoleArn: arnOf(codedeployRole),
    deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
    ecsServices: [{ serviceName: "checkout", clusterName: "main" }],
  },
  resp: { deploymentGroupId: uuid("dg-checkout") },
  ua: CLI,
  ip: CI_IP,
});

// ---- 09:16 hosts boot: Auto Scaling launches ECS hosts; instances get their roles --------------------------
const slrAsgWho = invoked(assumed(slrAsg, "AutoScaling"), "autoscaling.amazonaws.com");
const HOSTS = [
  { id: "i-0a1b2c3d4e5f60718", profile: "main-ecs-instance-profile", role: hostMain, cluster: "main-ec2" },
  { id: "i-0b2c3d4e5f6071829", profile: "main-ecs-instance-profile", role: hostMain, cluster: "main-ec2" },
  { id: "i-0d4e5f6a7b8c9d0e1", profile: "gpu-ecs-instance-profile", role: hostGpu, cluster: "gpu" },
];
for (const [i, h] of HOSTS.entries()) {
  rec({
    time: `09:16:0${i}`,
    who: slrAsgWho,
    source: "ec2",
    name: "RunInstances",
    req: {
      instancesSet: { items: [{ minCount: 1, maxCount: 1 }] },
      launchTemplate: { launchTemplateId: `lt-0${hex(h.profile, 16)}`, version: "3" },
    },
    resp: {
      requestId: uuid(`run-${h.id}`),
      reservationId: `r-0${hex(h.id, 16)}`,
      ownerId: A,
      instancesSet: {
        items: [
          {
            instanceId: h.id,
            instanceType: "m6i.large",
            iamInstanceProfile: {
              arn: `arn:aws:iam::${A}:instance-profile/${h.profile}`,
              id: `AIPA${hex(h.profile, 16).toUpperCase()}`,
            },
          },
        ],
      },
    },
    ua: "autoscaling.amazonaws.com",
    ip: "autoscaling.amazonaws.com",
  });
}
const ec2Assume = (time: string, r: RoleId, instance: string) =>
  rec({
    time,
    who: service("ec2.amazonaws.com"),
    source: "sts",
    name: "AssumeRole",
    req: { roleArn: arnOf(r), roleSessionName: instance },
    resp: {
      credentials: {
        accessKeyId: `ASIA${hex(instance, 16).toUpperCase()}`,
        sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE",
        expiration: `Nov 16, 2026, 3:1${instance.length % 10}:00 PM`,
      },
    },
    ua: "ec2.amazonaws.com",
    resources: [{ accountId: A, type: "AWS::IAM::Role", ARN: arnOf(r) }],
    extra: { sharedEventID: uuid(`shared-${instance}`) },
  });
for (const h of HOSTS) ec2Assume("09:16:40", h.role, h.id);
ec2Assume("09:10:50", bastion, "i-0c3d4e5f6a7b8c9d0");
ec2Assume("09:02:10", eksNode, "i-0e5f6a7b8c9d0e1f2");

const CI_ARN = (id: string, cluster: string) =>
  `arn:aws:ecs:${REGION}:${A}:container-instance/${cluster}/${hex(id, 32)}`;
for (const [i, h] of HOSTS.slice(0, 2).entries()) {
  rec({
    time: `09:17:1${i}`,
    who: assumed(h.role, h.id),
    source: "ecs",
    name: "RegisterContainerInstance",
    req: {
      cluster: h.cluster,
      instanceIdentityDocument: "HIDDEN_DUE_TO_SECURITY_REASONS",
      totalResources: [{ name: "CPU", type: "INTEGER", integerValue: 2048 }],
    },
    resp: {
      containerInstance: {
        containerInstanceArn: CI_ARN(h.id, h.cluster),
        ec2InstanceId: h.id,
        status: "ACTIVE",
        agentConnected: false,
      },
    },
    ua: AGENT,
    ip: `10.0.${i + 1}.15`,
  });
  rec({
    time: `09:17:2${i}`,
    who: assumed(h.role, h.id),
    source: "ecs",
    name: "DiscoverPollEndpoint",
    req: { containerInstance: CI_ARN(h.id, h.cluster), cluster: h.cluster },
    resp: null,
    ua: AGENT,
    ip: `10.0.${i + 1}.15`,
    readOnly: true,
  });
  rec({
    time: `09:18:0${i}`,
    who: assumed(h.role, h.id),
    source: "ssm",
    name: "UpdateInstanceInformation",
    req: { instanceId: h.id, agentVersion: "3.3.987.0", platformType: "Linux" },
    ua: SSM_AGENT,
    ip: `10.0.${i + 1}.15`,
  });
}
const gpu = HOSTS[2] ?? HOSTS[0];
if (gpu)
  deny(
    {
      time: "09:17:15",
      who: assumed(hostGpu, gpu.id),
      source: "ecs",
      name: "RegisterContainerInstance",
      req: { cluster: "gpu", instanceIdentityDocument: "HIDDEN_DUE_TO_SECURITY_REASONS" },
      ua: AGENT,
      ip: "10.0.3.40",
      error: [
        "AccessDeniedException",
        msg(
          sessionArn(hostGpu, gpu.id),
          "ecs:RegisterContainerInstance",
          `arn:aws:ecs:${REGION}:${A}:cluster/gpu`,
          noIdentity("ecs:RegisterContainerInstance"),
        ),
      ],
    },
    {
      action: "ecs:RegisterContainerInstance",
      resource: `arn:aws:ecs:${REGION}:${A}:cluster/gpu`,
      deniedBy: "identity",
      fixTarget: "ecs-container-instance",
      fixRoleArn: arnOf(hostGpu),
    },
  );

// Bastion: SSM agent only.
const BASTION_ID = "i-0c3d4e5f6a7b8c9d0";
for (const [t, src, name] of [
  ["09:11:30", "ssm", "UpdateInstanceInformation"],
  ["09:11:32", "ec2messages", "GetMessages"],
  ["09:40:02", "ssmmessages", "CreateControlChannel"],
] as const)
  rec({
    time: t,
    who: assumed(bastion, BASTION_ID),
    source: src,
    name,
    req: { instanceId: BASTION_ID },
    ua: SSM_AGENT,
    ip: "10.0.9.10",
  });
deny(
  {
    time: "09:41:10",
    who: assumed(bastion, BASTION_ID),
    source: "ec2",
    name: "CreateSnapshot",
    req: { volumeId: "vol-0a9b8c7d6e5f40312", description: "pre-patch backup" },
    ua: "aws-cli/2.22.0 md/awscrt#0.22.0 ua/2.0 os/linux#6.1.112 md/arch#x86_64 lang/python#3.12.6 md/command#ec2.create-snapshot",
    ip: "10.0.9.10",
    error: [
      "Client.UnauthorizedOperation",
      `You are not authorized to perform this operation. Encoded authorization failure message: ${hex("encoded-1", 64)}${hex("encoded-2", 64)}`,
    ],
  },
  {
    action: "ec2:CreateSnapshot",
    resource: `arn:aws:ec2:${REGION}:${A}:volume/vol-0a9b8c7d6e5f40312`,
    deniedBy: "unknown",
    fixTarget: "ec2-instance",
    fixRoleArn: arnOf(bastion),
  },
);

// ---- 09:20 tasks start: ECS assumes task and execution roles together, named after the task ID ------------
function ecsAssume(time: string, r: RoleId, taskId: string): void {
  rec({
    time,
    who: service("ecs-tasks.amazonaws.com"),
    source: "sts",
    name: "AssumeRole",
    req: { roleArn: arnOf(r), roleSessionName: taskId },
    resp: {
      credentials: {
        accessKeyId: `ASIA${hex(`${r.name}${taskId}`, 16).toUpperCase()}`,
        sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE",
        expiration: "Nov 16, 2026, 3:20:00 PM",
      },
      assumedRoleUser: {
        assumedRoleId: `AROA${hex(`role:${r.name}`, 17).toUpperCase()}:${taskId}`,
        arn: sessionArn(r, taskId),
      },
    },
    ua: "ecs-tasks.amazonaws.com",
    resources: [{ accountId: A, type: "AWS::IAM::Role", ARN: arnOf(r) }],
    extra: { sharedEventID: uuid(`shared-${r.name}-${taskId}`) },
  });
}
const T = {
  checkout1: hex("task-checkout-1", 32),
  checkout2: hex("task-checkout-2", 32),
  billing: hex("task-billing-1", 32),
  reports: hex("task-reports-1", 32),
  search: hex("task-search-1", 32),
  worker: hex("task-worker-1", 32),
  nightly: hex("task-reports-nightly", 32),
};
ecsAssume("09:20:01", checkoutTask, T.checkout1);
ecsAssume("09:20:01", checkoutExec, T.checkout1);
ecsAssume("09:20:04", checkoutTask, T.checkout2);
ecsAssume("09:20:04", checkoutExec, T.checkout2);
ecsAssume("09:21:10", billingTask, T.billing);
ecsAssume("09:21:10", defaultExec, T.billing);
ecsAssume("09:22:00", reports, T.reports);
ecsAssume("09:22:00", reports, T.reports);
ecsAssume("09:22:30", searchApp, T.search);
ecsAssume("09:22:30", searchRuntime, T.search);
ecsAssume("09:23:00", workerTask, T.worker);
rec({
  time: "09:22:58",
  who: ci,
  source: "ecs",
  name: "RunTask",
  req: { cluster: "main-ec2", taskDefinition: "worker:5", count: 1, launchType: "EC2" },
  resp: {
    tasks: [
      {
        taskArn: `arn:aws:ecs:${REGION}:${A}:task/main-ec2/${T.worker}`,
        taskDefinitionArn: `arn:aws:ecs:${REGION}:${A}:task-definition/worker:5`,
        launchType: "EC2",
        containerInstanceArn: CI_ARN("i-0a1b2c3d4e5f60718", "main-ec2"),
        lastStatus: "PROVISIONING",
      },
    ],
    failures: [],
  },
  ua: CLI,
  ip: CI_IP,
});
deny(
  {
    time: "09:24:10",
    who: ci,
    source: "ecs",
    name: "RunTask",
    req: {
      cluster: "main",
      taskDefinition: "checkout:7",
      launchType: "FARGATE",
      overrides: { taskRoleArn: roleArn("checkout-migrations-role") },
    },
    ua: CLI,
    ip: CI_IP,
    error: [
      "AccessDeniedException",
      msg(
        `arn:aws:iam::${A}:user/ci-deployer`,
        "iam:PassRole",
        roleArn("checkout-migrations-role"),
        noIdentity("iam:PassRole"),
      ),
    ],
  },
  {
    action: "iam:PassRole",
    resource: roleArn("checkout-migrations-role"),
    deniedBy: "identity",
    fixTarget: "iam-user",
    fixRoleArn: `arn:aws:iam::${A}:user/ci-deployer`,
  },
);

// Execution-role launch calls (Fargate) and the instance role pulling for the worker (EC2, no execution role).
function launchCalls(
  time: string,
  r: RoleId,
  taskId: string,
  repo: string,
  group: string,
  ua: string,
  pullUa: string,
): void {
  const who = assumed(r, taskId);
  rec({
    time,
    who,
    source: "ecr",
    name: "GetAuthorizationToken",
    req: { registryIds: [A] },
    resp: null,
    ua,
    ip: "10.0.20.31",
    readOnly: true,
  });
  rec({
    time,
    who,
    source: "ecr",
    name: "BatchGetImage",
    req: {
      repositoryName: repo,
      registryId: A,
      imageIds: [{ imageTag: "latest" }],
      acceptedMediaTypes: ["application/vnd.oci.image.manifest.v1+json"],
    },
    ua: pullUa,
    ip: "10.0.20.31",
    readOnly: true,
    resources: [{ accountId: A, ARN: `arn:aws:ecr:${REGION}:${A}:repository/${repo}` }],
  });
  rec({
    time,
    who,
    source: "ecr",
    name: "GetDownloadUrlForLayer",
    req: { repositoryName: repo, registryId: A, layerDigest: `sha256:${hex(repo, 64)}` },
    ua: pullUa,
    ip: "10.0.20.31",
    readOnly: true,
  });
  if (group)
    rec({
      time,
      who,
      source: "logs",
      name: "CreateLogStream",
      req: { logGroupName: group, logStreamName: `ecs/${repo.split("/")[0]}/${taskId}` },
      ua,
      ip: "10.0.20.31",
    });
}
launchCalls(
  "09:20:06",
  checkoutExec,
  T.checkout1,
  "checkout/api",
  "/ecs/checkout",
  FARGATE_AGENT,
  "containerd/1.7.22",
);
rec({
  time: "09:20:07",
  who: assumed(checkoutExec, T.checkout1),
  source: "secretsmanager",
  name: "GetSecretValue",
  req: { secretId: `arn:aws:secretsmanager:${REGION}:${A}:secret:checkout/db-password-Q1w2E3` },
  ua: FARGATE_AGENT,
  ip: "10.0.20.31",
  readOnly: true,
});
rec({
  time: "09:20:07",
  who: invoked(assumed(checkoutExec, T.checkout1), "secretsmanager.amazonaws.com"),
  source: "kms",
  name: "Decrypt",
  req: {
    encryptionAlgorithm: "SYMMETRIC_DEFAULT",
    encryptionContext: {
      SecretARN: `arn:aws:secretsmanager:${REGION}:${A}:secret:checkout/db-password-Q1w2E3`,
      SecretVersionId: uuid("sv1"),
    },
  },
  ua: "secretsmanager.amazonaws.com",
  ip: "secretsmanager.amazonaws.com",
  readOnly: true,
  resources: [
    { accountId: A, type: "AWS::KMS::Key", ARN: `arn:aws:kms:${REGION}:${A}:key/${uuid("checkout-cmk")}` },
  ],
});
launchCalls("09:21:12", defaultExec, T.billing, "billing/app", "", FARGATE_AGENT, "containerd/1.7.22");
launchCalls(
  "09:22:03",
  reports,
  T.reports,
  "reports/generator",
  "/ecs/reports",
  FARGATE_AGENT,
  "containerd/1.7.22",
);
launchCalls(
  "09:22:33",
  searchRuntime,
  T.search,
  "search/api",
  "/ecs/search",
  FARGATE_AGENT,
  "containerd/1.7.22",
);
launchCalls("09:23:02", hostMain, "i-0a1b2c3d4e5f60718", "worker/app", "", AGENT, DOCKER);
rec({
  time: "09:23:05",
  who: assumed(hostMain, "i-0a1b2c3d4e5f60718"),
  source: "ecs",
  name: "SubmitTaskStateChange",
  req: {
    cluster: "main-ec2",
    task: `arn:aws:ecs:${REGION}:${A}:task/main-ec2/${T.worker}`,
    status: "RUNNING",
  },
  ua: AGENT,
  ip: "10.0.1.15",
});
rec({
  time: "09:23:06",
  who: assumed(hostMain, "i-0a1b2c3d4e5f60718"),
  source: "ecs",
  name: "SubmitContainerStateChange",
  req: {
    cluster: "main-ec2",
    task: `arn:aws:ecs:${REGION}:${A}:task/main-ec2/${T.worker}`,
    containerName: "worker",
    status: "RUNNING",
  },
  ua: AGENT,
  ip: "10.0.1.15",
});

// ---- application calls -------------------------------------------------------------------------------------
function app(
  time: string,
  r: RoleId,
  session: string,
  source: string,
  name: string,
  req: Json,
  ua: string,
  data = false,
): void {
  rec({
    time,
    who: assumed(r, session),
    source,
    name,
    req,
    ua,
    ip: "10.0.20.44",
    data,
    readOnly: /^(Get|List|Describe|Query|Scan|BatchGet|Receive)/.test(name),
  });
}
const table = (t: string) => `arn:aws:dynamodb:${REGION}:${A}:table/${t}`;
app(
  "09:25:00",
  checkoutTask,
  T.checkout1,
  "dynamodb",
  "PutItem",
  { tableName: "checkout-carts" },
  JAVA_FARGATE,
  true,
);
app(
  "09:25:30",
  checkoutTask,
  T.checkout1,
  "sqs",
  "SendMessage",
  { queueUrl: `https://sqs.${REGION}.amazonaws.com/${A}/checkout-events` },
  JAVA_FARGATE,
  true,
);
app(
  "09:26:00",
  checkoutTask,
  T.checkout2,
  "s3",
  "GetObject",
  {
    bucketName: "acme-checkout-config",
    key: "pricing/rules.json",
    Host: "acme-checkout-config.s3.eu-west-1.amazonaws.com",
  },
  JAVA_FARGATE,
  true,
);
app(
  "09:26:30",
  billingTask,
  T.billing,
  "dynamodb",
  "Query",
  { tableName: "billing-invoices" },
  NODE_FARGATE,
  true,
);
app(
  "09:26:40",
  billingTask,
  T.billing,
  "secretsmanager",
  "GetSecretValue",
  { secretId: "billing/stripe" },
  NODE_FARGATE,
);
app(
  "09:27:00",
  reports,
  T.reports,
  "s3",
  "GetObject",
  { bucketName: "acme-reports", key: "templates/monthly.html" },
  NODE_FARGATE,
  true,
);
app(
  "09:27:30",
  searchApp,
  T.search,
  "dynamodb",
  "BatchGetItem",
  { requestItems: { "search-index": {} } },
  NODE_FARGATE,
  true,
);
app(
  "09:27:40",
  searchApp,
  T.search,
  "s3",
  "GetObject",
  { bucketName: "acme-search-snapshots", key: "2026/11/16/index.bin" },
  NODE_FARGATE,
  true,
);
app(
  "09:28:00",
  workerTask,
  T.worker,
  "sqs",
  "ReceiveMessage",
  { queueUrl: `https://sqs.${REGION}.amazonaws.com/${A}/worker-jobs` },
  GO_EC2,
  true,
);
app(
  "09:28:05",
  workerTask,
  T.worker,
  "sqs",
  "DeleteMessage",
  { queueUrl: `https://sqs.${REGION}.amazonaws.com/${A}/worker-jobs` },
  GO_EC2,
  true,
);
// legacy-batch has no task role: its Boto3 calls run on the host's instance role.
app(
  "09:29:00",
  hostMain,
  "i-0b2c3d4e5f6071829",
  "dynamodb",
  "Query",
  { tableName: "legacy-batch-jobs" },
  BOTO_EC2,
  true,
);

// ---- 10:10 checkout:8 rolls out with a sidecar and new secrets: execution-role denials ---------------------
taskDef("10:10:00", "checkout", 8, arnOf(checkoutTask), arnOf(checkoutExec), "FARGATE", [
  {
    name: "api",
    image: img("checkout/api", "2026.11.16-2"),
    essential: true,
    logConfiguration: awslogs("/ecs/checkout"),
    secrets: [
      {
        name: "DB_PASSWORD",
        valueFrom: `arn:aws:secretsmanager:${REGION}:${A}:secret:checkout/db-password-Q1w2E3`,
      },
      {
        name: "STRIPE_KEY",
        valueFrom: `arn:aws:secretsmanager:${REGION}:${A}:secret:checkout/stripe-api-key-AbCdEf`,
      },
      {
        name: "PAYMENTS_TOKEN",
        valueFrom: `arn:aws:secretsmanager:${REGION}:${A}:secret:checkout/payments-token-Zx9Yw8`,
      },
      { name: "FLAGS", valueFrom: `arn:aws:ssm:${REGION}:${A}:parameter/checkout/feature-flags` },
    ],
  },
  { name: "otel", image: img("platform/otel-collector", "0.112.0"), essential: false },
]);
const T3 = hex("task-checkout-3", 32);
ecsAssume("10:12:00", checkoutTask, T3);
ecsAssume("10:12:00", checkoutExec, T3);
const exec3 = sessionArn(checkoutExec, T3);
function execDeny(
  time: string,
  source: string,
  name: string,
  action: string,
  resource: string | null,
  req: Json,
  message: string,
  ua = FARGATE_AGENT,
): void {
  // "Access to KMS is not allowed" names neither the key nor the policy type: the label is what the trail shows.
  const enhanced = message.includes("is not authorized to perform");
  deny(
    {
      time,
      who: assumed(checkoutExec, T3),
      source,
      name,
      req,
      ua,
      ip: "10.0.20.52",
      error: ["AccessDeniedException", message],
    },
    {
      action,
      resource,
      deniedBy: enhanced ? "identity" : "unknown",
      fixTarget: "ecs-task-execution",
      fixRoleArn: arnOf(checkoutExec),
    },
  );
}
const otelRepo = `arn:aws:ecr:${REGION}:${A}:repository/platform/otel-collector`;
execDeny(
  "10:12:04",
  "ecr",
  "BatchGetImage",
  "ecr:BatchGetImage",
  otelRepo,
  { repositoryName: "platform/otel-collector", registryId: A, imageIds: [{ imageTag: "0.112.0" }] },
  msg(exec3, "ecr:BatchGetImage", otelRepo, noIdentity("ecr:BatchGetImage")),
  "containerd/1.7.22",
);
const stripe = `arn:aws:secretsmanager:${REGION}:${A}:secret:checkout/stripe-api-key-AbCdEf`;
execDeny(
  "10:12:05",
  "secretsmanager",
  "GetSecretValue",
  "secretsmanager:GetSecretValue",
  stripe,
  { secretId: stripe },
  msg(exec3, "secretsmanager:GetSecretValue", stripe, noIdentity("secretsmanager:GetSecretValue")),
);
const payments = `arn:aws:secretsmanager:${REGION}:${A}:secret:checkout/payments-token-Zx9Yw8`;
execDeny(
  "10:12:05",
  "secretsmanager",
  "GetSecretValue",
  "kms:Decrypt",
  null,
  { secretId: payments },
  "Access to KMS is not allowed",
);
const flags = `arn:aws:ssm:${REGION}:${A}:parameter/checkout/feature-flags`;
execDeny(
  "10:12:06",
  "ssm",
  "GetParameters",
  "ssm:GetParameters",
  flags,
  { names: ["/checkout/feature-flags"], withDecryption: true },
  msg(exec3, "ssm:GetParameters", flags, noIdentity("ssm:GetParameters")),
);

// billing on the default execution role: the role lost its ECR and logs permissions.
const T4 = hex("task-billing-2", 32);
ecsAssume("10:20:00", billingTask, T4);
ecsAssume("10:20:00", defaultExec, T4);
deny(
  {
    time: "10:20:03",
    who: assumed(defaultExec, T4),
    source: "ecr",
    name: "GetAuthorizationToken",
    req: { registryIds: [A] },
    ua: FARGATE_AGENT,
    ip: "10.0.21.9",
    error: [
      "AccessDeniedException",
      msg(
        sessionArn(defaultExec, T4),
        "ecr:GetAuthorizationToken",
        "*",
        noIdentity("ecr:GetAuthorizationToken"),
      ),
    ],
  },
  {
    action: "ecr:GetAuthorizationToken",
    resource: "*",
    deniedBy: "identity",
    fixTarget: "ecs-task-execution",
    fixRoleArn: arnOf(defaultExec),
  },
);
const billingLogs = `arn:aws:logs:${REGION}:${A}:log-group:/ecs/billing:log-stream:ecs/billing/${T4}`;
deny(
  {
    time: "10:20:09",
    who: assumed(defaultExec, T4),
    source: "logs",
    name: "CreateLogStream",
    req: { logGroupName: "/ecs/billing", logStreamName: `ecs/billing/${T4}` },
    ua: DOCKER,
    ip: "10.0.21.9",
    error: [
      "AccessDeniedException",
      msg(
        sessionArn(defaultExec, T4),
        "logs:CreateLogStream",
        billingLogs,
        noIdentity("logs:CreateLogStream"),
      ),
    ],
  },
  {
    action: "logs:CreateLogStream",
    resource: billingLogs,
    deniedBy: "identity",
    fixTarget: "ecs-task-execution",
    fixRoleArn: arnOf(defaultExec),
  },
);

// ---- task-role denials ---------------------------------------------------------------------------------------
function taskDeny(
  time: string,
  r: RoleId,
  session: string,
  source: string,
  name: string,
  action: string,
  resource: string,
  req: Json,
  code: string,
  message: string,
  fix: { deniedBy?: string; fixTarget?: string; fixRoleArn?: string } = {},
  ua = JAVA_FARGATE,
  data = false,
  vpce?: string,
): void {
  deny(
    {
      time,
      who: assumed(r, session),
      source,
      name,
      req,
      ua,
      ip: vpce ? "10.0.20.61" : "10.0.20.44",
      data,
      error: [code, message],
      ...(vpce ? { vpce } : {}),
    },
    {
      action,
      resource,
      deniedBy: fix.deniedBy ?? "identity",
      fixTarget: fix.fixTarget ?? "ecs-task",
      fixRoleArn: fix.fixRoleArn ?? arnOf(r),
    },
  );
}
const receipts = "arn:aws:s3:::acme-checkout-receipts/2026/11/16/r-000981.json";
taskDeny(
  "10:30:00",
  checkoutTask,
  T3,
  "s3",
  "GetObject",
  "s3:GetObject",
  receipts,
  {
    bucketName: "acme-checkout-receipts",
    key: "2026/11/16/r-000981.json",
    Host: "acme-checkout-receipts.s3.eu-west-1.amazonaws.com",
  },
  "AccessDenied",
  msg(sessionArn(checkoutTask, T3), "s3:GetObject", receipts, noIdentity("s3:GetObject")),
  {},
  JAVA_FARGATE,
  true,
);
taskDeny(
  "10:30:20",
  checkoutTask,
  T3,
  "dynamodb",
  "PutItem",
  "dynamodb:PutItem",
  table("checkout-orders"),
  { tableName: "checkout-orders" },
  "AccessDeniedException",
  msg(
    sessionArn(checkoutTask, T3),
    "dynamodb:PutItem",
    table("checkout-orders"),
    noIdentity("dynamodb:PutItem"),
  ),
  {},
  JAVA_FARGATE,
  true,
);
const ctl = `arn:aws:ecs:${REGION}:${A}:task/main/${T3}`;
taskDeny(
  "10:31:00",
  checkoutTask,
  T3,
  "ssmmessages",
  "CreateControlChannel",
  "ssmmessages:CreateControlChannel",
  ctl,
  { channelType: "control" },
  "AccessDeniedException",
  msg(
    sessionArn(checkoutTask, T3),
    "ssmmessages:CreateControlChannel",
    ctl,
    noIdentity("ssmmessages:CreateControlChannel"),
  ),
  {},
  "aws-sdk-go/1.44.260 (go1.22.5; linux; amd64) amazon-ssm-agent/3.3.987.0",
);
const workerQ = `arn:aws:sqs:${REGION}:${A}:worker-results`;
taskDeny(
  "10:32:00",
  workerTask,
  T.worker,
  "sqs",
  "SendMessage",
  "sqs:SendMessage",
  workerQ,
  { queueUrl: `https://sqs.${REGION}.amazonaws.com/${A}/worker-results` },
  "AccessDenied",
  msg(sessionArn(workerTask, T.worker), "sqs:SendMessage", workerQ, noIdentity("sqs:SendMessage")),
  {},
  GO_EC2,
  true,
);
// Scope-down by SCP: the billing task may not write outside eu-west-1 buckets policy.
taskDeny(
  "10:33:00",
  billingTask,
  T4,
  "s3",
  "PutObjectAcl",
  "s3:PutObjectAcl",
  "arn:aws:s3:::acme-billing-exports/2026-11.csv",
  { bucketName: "acme-billing-exports", key: "2026-11.csv", "x-amz-acl": "public-read" },
  "AccessDenied",
  msg(
    sessionArn(billingTask, T4),
    "s3:PutObjectAcl",
    "arn:aws:s3:::acme-billing-exports/2026-11.csv",
    `with an explicit deny in a service control policy: arn:aws:organizations::${ORG}:policy/o-a1b2c3d4e5/service_control_policy/p-deny0public`,
  ),
  { deniedBy: "scp", fixTarget: "organization-policy" },
  NODE_FARGATE,
  true,
);
// The instance role doing application work for legacy-batch (no task role): the fix is a task role.
deny(
  {
    time: "10:34:00",
    who: assumed(hostMain, "i-0b2c3d4e5f6071829"),
    source: "dynamodb",
    name: "Query",
    req: { tableName: "legacy-batch-results" },
    ua: BOTO_EC2,
    ip: "10.0.2.15",
    data: true,
    error: [
      "AccessDeniedException",
      msg(
        sessionArn(hostMain, "i-0b2c3d4e5f6071829"),
        "dynamodb:Query",
        table("legacy-batch-results"),
        noIdentity("dynamodb:Query"),
      ),
    ],
  },
  {
    action: "dynamodb:Query",
    resource: table("legacy-batch-results"),
    deniedBy: "identity",
    fixTarget: "task-definition",
  },
);
// The worker image pull on EC2 without an execution role goes through the instance role.
const workerRepo = `arn:aws:ecr:${REGION}:${A}:repository/worker/sidecar`;
deny(
  {
    time: "10:35:00",
    who: assumed(hostMain, "i-0a1b2c3d4e5f60718"),
    source: "ecr",
    name: "BatchGetImage",
    req: { repositoryName: "worker/sidecar", registryId: A, imageIds: [{ imageTag: "v2" }] },
    ua: DOCKER,
    ip: "10.0.1.15",
    error: [
      "AccessDeniedException",
      msg(
        sessionArn(hostMain, "i-0a1b2c3d4e5f60718"),
        "ecr:BatchGetImage",
        workerRepo,
        noIdentity("ecr:BatchGetImage"),
      ),
    ],
  },
  {
    action: "ecr:BatchGetImage",
    resource: workerRepo,
    deniedBy: "identity",
    fixTarget: "ecs-container-instance",
    fixRoleArn: arnOf(hostMain),
  },
);

// reports: one role for both jobs; a launch-time denial (as execution role) and an application denial (as task role).
const T5 = hex("task-reports-2", 32);
ecsAssume("10:40:00", reports, T5);
ecsAssume("10:40:00", reports, T5);
const reportsRepo = `arn:aws:ecr:${REGION}:${A}:repository/reports/renderer`;
deny(
  {
    time: "10:40:03",
    who: assumed(reports, T5),
    source: "ecr",
    name: "BatchGetImage",
    req: { repositoryName: "reports/renderer", registryId: A, imageIds: [{ imageTag: "v2" }] },
    ua: "containerd/1.7.22",
    ip: "10.0.22.7",
    error: [
      "AccessDeniedException",
      msg(sessionArn(reports, T5), "ecr:BatchGetImage", reportsRepo, noIdentity("ecr:BatchGetImage")),
    ],
  },
  {
    action: "ecr:BatchGetImage",
    resource: reportsRepo,
    deniedBy: "identity",
    fixTarget: "ecs-task-execution",
    fixRoleArn: arnOf(reports),
  },
);
const reportsObj = "arn:aws:s3:::acme-reports/out/2026-11-16/monthly.pdf";
taskDeny(
  "10:41:00",
  reports,
  T5,
  "s3",
  "PutObject",
  "s3:PutObject",
  reportsObj,
  { bucketName: "acme-reports", key: "out/2026-11-16/monthly.pdf" },
  "AccessDenied",
  msg(sessionArn(reports, T5), "s3:PutObject", reportsObj, noIdentity("s3:PutObject")),
  {},
  NODE_FARGATE,
  true,
);

// ---- scheduled and managed ECS roles --------------------------------------------------------------------------
const EVENTS_SESSION = hex("events-session", 32);
rec({
  time: "11:00:00",
  who: service("events.amazonaws.com"),
  source: "sts",
  name: "AssumeRole",
  req: { roleArn: arnOf(eventsRole), roleSessionName: EVENTS_SESSION },
  resp: { assumedRoleUser: { arn: sessionArn(eventsRole, EVENTS_SESSION) } },
  ua: "events.amazonaws.com",
  resources: [{ accountId: A, type: "AWS::IAM::Role", ARN: arnOf(eventsRole) }],
});
rec({
  time: "11:00:01",
  who: invoked(assumed(eventsRole, EVENTS_SESSION), "events.amazonaws.com"),
  source: "ecs",
  name: "RunTask",
  req: {
    cluster: "main",
    taskDefinition: "reports:12",
    count: 1,
    launchType: "FARGATE",
    startedBy: "events-rule/nightly-reports",
  },
  resp: {
    tasks: [
      {
        taskArn: `arn:aws:ecs:${REGION}:${A}:task/main/${T.nightly}`,
        launchType: "FARGATE",
        lastStatus: "PROVISIONING",
      },
    ],
    failures: [],
  },
  ua: "events.amazonaws.com",
  ip: "events.amazonaws.com",
});
deny(
  {
    time: "11:00:02",
    who: invoked(assumed(eventsRole, EVENTS_SESSION), "events.amazonaws.com"),
    source: "ecs",
    name: "RunTask",
    req: { cluster: "main", taskDefinition: "search-reindex:3", count: 1, launchType: "FARGATE" },
    ua: "events.amazonaws.com",
    ip: "events.amazonaws.com",
    error: [
      "AccessDeniedException",
      msg(
        sessionArn(eventsRole, EVENTS_SESSION),
        "iam:PassRole",
        arnOf(searchApp),
        noIdentity("iam:PassRole"),
      ),
    ],
  },
  {
    action: "iam:PassRole",
    resource: arnOf(searchApp),
    deniedBy: "identity",
    fixTarget: "ecs-events",
    fixRoleArn: arnOf(eventsRole),
  },
);
rec({
  time: "11:05:00",
  who: service("application-autoscaling.amazonaws.com"),
  source: "sts",
  name: "AssumeRole",
  req: { roleArn: arnOf(autoscaleRole), roleSessionName: "ApplicationAutoScaling" },
  ua: "application-autoscaling.amazonaws.com",
  resources: [{ accountId: A, type: "AWS::IAM::Role", ARN: arnOf(autoscaleRole) }],
});
rec({
  time: "11:05:01",
  who: invoked(assumed(autoscaleRole, "ApplicationAutoScaling"), "application-autoscaling.amazonaws.com"),
  source: "ecs",
  name: "DescribeServices",
  req: { cluster: "main", services: ["checkout"] },
  ua: "application-autoscaling.amazonaws.com",
  ip: "application-autoscaling.amazonaws.com",
  readOnly: true,
});
rec({
  time: "11:05:02",
  who: invoked(assumed(autoscaleRole, "ApplicationAutoScaling"), "application-autoscaling.amazonaws.com"),
  source: "ecs",
  name: "UpdateService",
  req: { cluster: "main", service: "checkout", desiredCount: 4 },
  ua: "application-autoscaling.amazonaws.com",
  ip: "application-autoscaling.amazonaws.com",
});
rec({
  time: "11:10:00",
  who: service("codedeploy.amazonaws.com"),
  source: "sts",
  name: "AssumeRole",
  req: { roleArn: arnOf(codedeployRole), roleSessionName: "CodeDeploy-d-7QK3LM2ZB" },
  ua: "codedeploy.amazonaws.com",
  resources: [{ accountId: A, type: "AWS::IAM::Role", ARN: arnOf(codedeployRole) }],
});
rec({
  time: "11:10:05",
  who: invoked(assumed(codedeployRole, "CodeDeploy-d-7QK3LM2ZB"), "codedeploy.amazonaws.com"),
  source: "ecs",
  name: "CreateTaskSet",
  req: { cluster: "main", service: "checkout", taskDefinition: "checkout:8" },
  ua: "codedeploy.amazonaws.com",
  ip: "codedeploy.amazonaws.com",
});
rec({
  time: "11:10:40",
  who: invoked(assumed(codedeployRole, "CodeDeploy-d-7QK3LM2ZB"), "codedeploy.amazonaws.com"),
  source: "elasticloadbalancing",
  name: "ModifyListener",
  req: {
    listenerArn: `arn:aws:elasticloadbalancing:${REGION}:${A}:listener/app/checkout/${hex("alb", 16)}/${hex("listener", 16)}`,
  },
  ua: "codedeploy.amazonaws.com",
  ip: "codedeploy.amazonaws.com",
});
rec({
  time: "09:14:20",
  who: invoked(assumed(serviceRole, "ecs-service-scheduler"), "ecs.amazonaws.com"),
  source: "elasticloadbalancing",
  name: "RegisterInstancesWithLoadBalancer",
  req: { loadBalancerName: "legacy-web-elb", instances: [{ instanceId: "i-0a1b2c3d4e5f60718" }] },
  ua: "ecs.amazonaws.com",
  ip: "ecs.amazonaws.com",
});
rec({
  time: "09:20:00",
  who: invoked(assumed(slrEcs, "ecs-service-scheduler"), "ecs.amazonaws.com"),
  source: "ec2",
  name: "CreateNetworkInterface",
  req: {
    subnetId: "subnet-0a1b2c3d4e5f60718",
    description: `arn:aws:ecs:${REGION}:${A}:attachment/${uuid("eni-att")}`,
  },
  ua: "ecs.amazonaws.com",
  ip: "ecs.amazonaws.com",
});
rec({
  time: "09:20:30",
  who: invoked(assumed(slrEcs, "ecs-service-scheduler"), "ecs.amazonaws.com"),
  source: "elasticloadbalancing",
  name: "RegisterTargets",
  req: {
    targetGroupArn: `arn:aws:elasticloadbalancing:${REGION}:${A}:targetgroup/checkout/${hex("tg", 16)}`,
    targets: [{ id: "10.0.20.31", port: 8080 }],
  },
  ua: "ecs.amazonaws.com",
  ip: "ecs.amazonaws.com",
});

// ---- Lambda, EKS IRSA, EKS Pod Identity ------------------------------------------------------------------
rec({
  time: "12:00:00",
  who: service("lambda.amazonaws.com"),
  source: "sts",
  name: "AssumeRole",
  req: { roleArn: arnOf(lambdaRole), roleSessionName: "thumbnailer" },
  ua: "lambda.amazonaws.com",
  resources: [{ accountId: A, type: "AWS::IAM::Role", ARN: arnOf(lambdaRole) }],
});
app(
  "12:00:01",
  lambdaRole,
  "thumbnailer",
  "s3",
  "GetObject",
  { bucketName: "acme-uploads", key: "images/2026/11/16/p-1.jpg" },
  LAMBDA_UA,
  true,
);
deny(
  {
    time: "12:00:02",
    who: assumed(lambdaRole, "thumbnailer"),
    source: "s3",
    name: "PutObject",
    req: { bucketName: "acme-thumbnails", key: "thumbs/p-1.jpg" },
    ua: LAMBDA_UA,
    ip: "34.240.1.10",
    data: true,
    error: [
      "AccessDenied",
      msg(
        sessionArn(lambdaRole, "thumbnailer"),
        "s3:PutObject",
        "arn:aws:s3:::acme-thumbnails/thumbs/p-1.jpg",
        "with an explicit deny in a resource-based policy",
      ),
    ],
  },
  {
    action: "s3:PutObject",
    resource: "arn:aws:s3:::acme-thumbnails/thumbs/p-1.jpg",
    deniedBy: "resource",
    fixTarget: "resource-policy",
  },
);
deny(
  {
    time: "12:00:03",
    who: assumed(lambdaRole, "thumbnailer"),
    source: "dynamodb",
    name: "UpdateItem",
    req: { tableName: "media-index" },
    ua: LAMBDA_UA,
    ip: "34.240.1.10",
    data: true,
    error: [
      "AccessDeniedException",
      msg(
        sessionArn(lambdaRole, "thumbnailer"),
        "dynamodb:UpdateItem",
        table("media-index"),
        noIdentity("dynamodb:UpdateItem"),
      ),
    ],
  },
  {
    action: "dynamodb:UpdateItem",
    resource: table("media-index"),
    deniedBy: "identity",
    fixTarget: "lambda",
    fixRoleArn: arnOf(lambdaRole),
  },
);

const IRSA_SESSION = "botocore-session-1763294400";
rec({
  time: "12:10:00",
  who: {
    type: "WebIdentityUser",
    principalId: `${OIDC}:sts.amazonaws.com:system:serviceaccount:orders:orders-api`,
    userName: "system:serviceaccount:orders:orders-api",
    identityProvider: OIDC,
  },
  source: "sts",
  name: "AssumeRoleWithWebIdentity",
  req: { roleArn: arnOf(irsa), roleSessionName: IRSA_SESSION },
  resp: {
    subjectFromWebIdentityToken: "system:serviceaccount:orders:orders-api",
    assumedRoleUser: { arn: sessionArn(irsa, IRSA_SESSION) },
    provider: OIDC,
    audience: "sts.amazonaws.com",
  },
  ua: BOTO_EKS,
  ip: "52.48.3.77",
});
app("12:10:01", irsa, IRSA_SESSION, "dynamodb", "Query", { tableName: "orders" }, BOTO_EKS, true);
deny(
  {
    time: "12:10:05",
    who: assumed(irsa, IRSA_SESSION),
    source: "dynamodb",
    name: "DeleteItem",
    req: { tableName: "orders" },
    ua: BOTO_EKS,
    ip: "52.48.3.77",
    data: true,
    error: [
      "AccessDeniedException",
      msg(
        sessionArn(irsa, IRSA_SESSION),
        "dynamodb:DeleteItem",
        table("orders"),
        `because no permissions boundary allows the dynamodb:DeleteItem action`,
      ),
    ],
  },
  {
    action: "dynamodb:DeleteItem",
    resource: table("orders"),
    deniedBy: "permissions-boundary",
    fixTarget: "permissions-boundary",
  },
);
const ordersQ = `arn:aws:sqs:${REGION}:${A}:orders-inbound`;
deny(
  {
    time: "12:10:09",
    who: assumed(irsa, IRSA_SESSION),
    source: "sqs",
    name: "ReceiveMessage",
    req: { queueUrl: `https://sqs.${REGION}.amazonaws.com/${A}/orders-inbound` },
    ua: BOTO_EKS,
    ip: "52.48.3.77",
    data: true,
    error: [
      "AccessDenied",
      msg(sessionArn(irsa, IRSA_SESSION), "sqs:ReceiveMessage", ordersQ, noIdentity("sqs:ReceiveMessage")),
    ],
  },
  {
    action: "sqs:ReceiveMessage",
    resource: ordersQ,
    deniedBy: "identity",
    fixTarget: "eks-irsa",
    fixRoleArn: arnOf(irsa),
  },
);

const NODE_ID = "i-0e5f6a7b8c9d0e1f2";
const POD_SESSION = "eks-prod-inventory-b81f0fef-97e9-47da-97a2-948c5bbcd1b3";
rec({
  time: "12:20:00",
  who: assumed(eksNode, NODE_ID),
  source: "ecr",
  name: "GetAuthorizationToken",
  req: { registryIds: [A] },
  ua: KUBELET_ECR,
  ip: "10.1.4.21",
  readOnly: true,
});
rec({
  time: "12:20:10",
  who: assumed(eksNode, NODE_ID),
  source: "eks-auth",
  name: "AssumeRoleForPodIdentity",
  req: { clusterName: "prod", token: "HIDDEN_DUE_TO_SECURITY_REASONS" },
  resp: {
    subject: { namespace: "inventory", serviceAccount: "inventory" },
    audience: "pods.eks.amazonaws.com",
    podIdentityAssociation: {
      associationArn: `arn:aws:eks:${REGION}:${A}:podidentityassociation/prod/a-${hex("assoc", 17)}`,
      associationId: `a-${hex("assoc", 17)}`,
    },
    assumedRoleUser: {
      arn: sessionArn(podRole, POD_SESSION),
      assumeRoleId: `AROA${hex("role:inventory-pod-role", 17).toUpperCase()}:${POD_SESSION}`,
    },
    credentials: {
      sessionToken: "HIDDEN_DUE_TO_SECURITY_REASONS",
      secretAccessKey: "HIDDEN_DUE_TO_SECURITY_REASONS",
      accessKeyId: "ASIAEXAMPLEPODID0001",
      expiration: "Nov 16, 2026, 6:20:10 PM",
    },
  },
  ua: EKSAUTH_UA,
  ip: "10.1.4.21",
});
rec({
  time: "12:20:10",
  who: service("pods.eks.amazonaws.com"),
  source: "sts",
  name: "AssumeRole",
  req: {
    roleArn: arnOf(podRole),
    roleSessionName: POD_SESSION,
    durationSeconds: 21600,
    tags: [
      { key: "eks-cluster-arn", value: `arn:aws:eks:${REGION}:${A}:cluster/prod` },
      { key: "eks-cluster-name", value: "prod" },
      { key: "kubernetes-namespace", value: "inventory" },
      { key: "kubernetes-service-account", value: "inventory" },
      { key: "kubernetes-pod-name", value: "inventory-5d8c7b9f4-x2x9q" },
      { key: "kubernetes-pod-uid", value: "b81f0fef-97e9-47da-97a2-948c5bbcd1b3" },
    ],
    transitiveTagKeys: [
      "eks-cluster-arn",
      "eks-cluster-name",
      "kubernetes-namespace",
      "kubernetes-service-account",
      "kubernetes-pod-name",
      "kubernetes-pod-uid",
    ],
  },
  ua: "pods.eks.amazonaws.com",
  resources: [{ accountId: A, type: "AWS::IAM::Role", ARN: arnOf(podRole) }],
});
app("12:20:12", podRole, POD_SESSION, "s3", "ListObjects", { bucketName: "acme-inventory" }, GO_EKS, true);
const invObj = "arn:aws:s3:::acme-inventory-exports/daily/2026-11-16.parquet";
deny(
  {
    time: "12:20:20",
    who: assumed(podRole, POD_SESSION),
    source: "s3",
    name: "GetObject",
    req: { bucketName: "acme-inventory-exports", key: "daily/2026-11-16.parquet" },
    ua: GO_EKS,
    ip: "10.1.4.33",
    data: true,
    vpce: "vpce-0a1b2c3d4e5f67890",
    error: ["VpceAccessDenied", "The request was denied due to a VPC endpoint policy"],
  },
  { action: "s3:GetObject", resource: invObj, deniedBy: "vpc-endpoint", fixTarget: "vpc-endpoint-policy" },
);
const invSecret = `arn:aws:secretsmanager:${REGION}:${A}:secret:inventory/erp-credentials-Lm4Np5`;
deny(
  {
    time: "12:20:25",
    who: assumed(podRole, POD_SESSION),
    source: "secretsmanager",
    name: "GetSecretValue",
    req: { secretId: invSecret },
    ua: GO_EKS,
    ip: "10.1.4.33",
    error: [
      "AccessDeniedException",
      msg(
        sessionArn(podRole, POD_SESSION),
        "secretsmanager:GetSecretValue",
        invSecret,
        noIdentity("secretsmanager:GetSecretValue"),
      ),
    ],
  },
  {
    action: "secretsmanager:GetSecretValue",
    resource: invSecret,
    deniedBy: "identity",
    fixTarget: "eks-pod-identity",
    fixRoleArn: arnOf(podRole),
  },
);

// ---- people: SSO admin, SSO read-only (console noise), root ------------------------------------------------
const SAML = `arn:aws:iam::${A}:saml-provider/AWSSSO_0a1b2c3d4e5f6a7b_DO_NOT_DELETE`;
for (const [time, r, user] of [
  ["13:00:00", ssoAdmin, "alice@example.com"],
  ["13:30:00", ssoRead, "bob@example.com"],
] as const)
  rec({
    time,
    who: {
      type: "SAMLUser",
      principalId: `${hex("saml", 27)}:${user}`,
      userName: user,
      identityProvider: `${hex("idp", 27)}`,
    },
    source: "sts",
    name: "AssumeRoleWithSAML",
    req: {
      sAMLAssertionID: `_${hex(user, 32)}`,
      roleSessionName: user,
      roleArn: arnOf(r),
      principalArn: SAML,
      durationSeconds: 3600,
    },
    resp: {
      assumedRoleUser: { arn: sessionArn(r, user) },
      subjectType: "persistent",
      issuer:
        "https://portal.sso.eu-west-1.amazonaws.com/saml/assertion/MTExMTIyMjIzMzMzX2lucy0xYTJiM2M0ZDVlNmY3YThi",
      audience: "https://signin.aws.amazon.com/saml",
    },
    ua: "aws-internal/3 aws-sdk-java/1.12.780 Linux/5.10.227 OpenJDK_64-Bit_Server_VM/17.0.13+11-LTS java/17.0.13 vendor/Amazon.com_Inc.",
    ip: "198.51.100.77",
  });
const adm = assumed(ssoAdmin, "alice@example.com");
rec({
  time: "13:01:00",
  who: adm,
  source: "ecs",
  name: "DescribeClusters",
  req: { clusters: ["main"] },
  ua: CONSOLE,
  ip: "198.51.100.77",
  readOnly: true,
});
rec({
  time: "13:01:30",
  who: adm,
  source: "iam",
  name: "ListRoles",
  req: null,
  ua: CONSOLE,
  ip: "198.51.100.77",
  readOnly: true,
});
deny(
  {
    time: "13:02:00",
    who: adm,
    source: "iam",
    name: "CreateUser",
    req: { userName: "tmp-debug" },
    ua: CONSOLE,
    ip: "198.51.100.77",
    error: [
      "AccessDenied",
      msg(
        sessionArn(ssoAdmin, "alice@example.com"),
        "iam:CreateUser",
        `arn:aws:iam::${A}:user/tmp-debug`,
        `with an explicit deny in a service control policy: arn:aws:organizations::${ORG}:policy/o-a1b2c3d4e5/service_control_policy/p-2kgnabcd`,
      ),
    ],
  },
  {
    action: "iam:CreateUser",
    resource: `arn:aws:iam::${A}:user/tmp-debug`,
    deniedBy: "scp",
    fixTarget: "organization-policy",
  },
);
const ro = assumed(ssoRead, "bob@example.com");
const roArn = sessionArn(ssoRead, "bob@example.com");
for (const [time, src, name, action, resource] of [
  [
    "13:31:00",
    "securityhub",
    "DescribeHub",
    "securityhub:DescribeHub",
    `arn:aws:securityhub:${REGION}:${A}:hub/default`,
  ],
  [
    "13:31:01",
    "guardduty",
    "ListDetectors",
    "guardduty:ListDetectors",
    `arn:aws:guardduty:${REGION}:${A}:detector/*`,
  ],
  ["13:31:02", "ce", "GetCostAndUsage", "ce:GetCostAndUsage", `arn:aws:ce:us-east-1:${A}:/GetCostAndUsage`],
] as const)
  deny(
    {
      time,
      who: ro,
      source: src,
      name,
      req: null,
      ua: CONSOLE,
      ip: "AWS Internal",
      readOnly: true,
      error: ["AccessDeniedException", msg(roArn, action, resource, noIdentity(action))],
      extra: { sessionCredentialFromConsole: "true" },
    },
    {
      action,
      resource,
      deniedBy: "identity",
      fixTarget: "sso",
      fixRoleArn: arnOf(ssoRead),
      noise: "console-probe",
    },
  );
rec({
  time: "13:32:00",
  who: ro,
  source: "ec2",
  name: "DescribeInstances",
  req: { instancesSet: {}, filterSet: {} },
  ua: CONSOLE,
  ip: "198.51.100.78",
  readOnly: true,
});
const stopInstance = `arn:aws:ec2:${REGION}:${A}:instance/i-0c3d4e5f6a7b8c9d0`;
deny(
  {
    time: "13:33:00",
    who: ro,
    source: "ec2",
    name: "StartInstances",
    req: { instancesSet: { items: [{ instanceId: "i-0c3d4e5f6a7b8c9d0" }] } },
    ua: CONSOLE,
    ip: "198.51.100.78",
    error: [
      "Client.UnauthorizedOperation",
      `You are not authorized to perform this operation. ${msg(roArn, "ec2:StartInstances", stopInstance, noIdentity("ec2:StartInstances"))}. Encoded authorization failure message: ${hex("enc-a", 64)}${hex("enc-b", 64)}`,
    ],
  },
  {
    action: "ec2:StartInstances",
    resource: stopInstance,
    deniedBy: "identity",
    fixTarget: "sso",
    fixRoleArn: arnOf(ssoRead),
  },
);
rec({
  time: "14:00:00",
  who: rootUser,
  source: "iam",
  name: "GetAccountSummary",
  req: null,
  ua: CONSOLE,
  ip: "198.51.100.90",
  readOnly: true,
});

// ---- cross-account reader from account B ----------------------------------------------------------------
const AN_SESSION = "botocore-session-1763301600";
const an = assumed(analytics, AN_SESSION);
const anArn = sessionArn(analytics, AN_SESSION);
const cmk = `arn:aws:kms:${REGION}:${A}:key/${uuid("receipts-cmk")}`;
rec({
  time: "14:10:00",
  who: an,
  source: "s3",
  name: "ListObjects",
  req: { bucketName: "acme-shared-analytics", prefix: "exports/" },
  ua: BOTO_EKS,
  ip: "54.77.10.4",
  data: true,
  readOnly: true,
});
deny(
  {
    time: "14:10:05",
    who: an,
    source: "kms",
    name: "Decrypt",
    req: { encryptionAlgorithm: "SYMMETRIC_DEFAULT", keyId: cmk },
    ua: BOTO_EKS,
    ip: "54.77.10.4",
    readOnly: true,
    error: [
      "AccessDeniedException",
      msg(anArn, "kms:Decrypt", cmk, "because no resource-based policy allows the kms:Decrypt action"),
    ],
  },
  { action: "kms:Decrypt", resource: cmk, deniedBy: "resource", fixTarget: "resource-policy" },
);
deny(
  {
    time: "14:10:09",
    who: an,
    source: "s3",
    name: "GetObject",
    req: { bucketName: "acme-checkout-receipts", key: "2026/11/16/r-000982.json" },
    ua: BOTO_EKS,
    ip: "54.77.10.4",
    data: true,
    readOnly: true,
    error: [
      "AccessDenied",
      msg(
        anArn,
        "s3:GetObject",
        "arn:aws:s3:::acme-checkout-receipts/2026/11/16/r-000982.json",
        `with an explicit deny in a resource control policy: arn:aws:organizations::${ORG}:policy/o-a1b2c3d4e5/resource_control_policy/p-rcp0data1`,
      ),
    ],
  },
  {
    action: "s3:GetObject",
    resource: "arn:aws:s3:::acme-checkout-receipts/2026/11/16/r-000982.json",
    deniedBy: "rcp",
    fixTarget: "organization-policy",
  },
);
rec({
  time: "14:20:00",
  who: ci,
  source: "ecs",
  name: "DescribeServices",
  req: { cluster: "main", services: ["checkout", "billing"] },
  ua: CLI,
  ip: CI_IP,
  readOnly: true,
});
rec({
  time: "14:20:10",
  who: ci,
  source: "ecs",
  name: "UpdateService",
  req: { cluster: "main", service: "billing", taskDefinition: "billing:3", forceNewDeployment: true },
  resp: { service: { serviceName: "billing", status: "ACTIVE" } },
  ua: CLI,
  ip: CI_IP,
});

// ---- 15:00 service roles, a service-linked role and a service principal refused by a bucket policy, role
// chaining, an EKS node's image pull, and a service acting for a task role (AWS Internal) ----------------------
// Appended last so that every event ID above stays what it was.
const configRole: RoleId = { name: "config-recorder-role" };
const slrConfig: RoleId = { name: "AWSServiceRoleForConfig", path: "aws-service-role/config.amazonaws.com/" };
const firehoseRole: RoleId = { name: "clickstream-firehose-role" };
const statesRole: RoleId = { name: "orders-state-machine-role" };
const schedulerRole: RoleId = { name: "nightly-export-scheduler-role" };
const partner: RoleId = { name: "partner-uploader" };
label(arnOf(configRole), "service-role");
label(arnOf(slrConfig), "service-linked");
label(arnOf(firehoseRole), "service-role");
label(arnOf(statesRole), "service-role");
label(arnOf(schedulerRole), "service-role");
label(arnOf(partner), "chained-role");
createRole(configRole, trustDoc({ Service: "config.amazonaws.com" }, true));
createRole(statesRole, trustDoc({ Service: "states.amazonaws.com" }, true));
createRole(schedulerRole, trustDoc({ Service: "scheduler.amazonaws.com" }, false));
const configBucket = "acme-org-config-logs";
rec({
  time: "15:00:00",
  who: service("config.amazonaws.com"),
  source: "sts",
  name: "AssumeRole",
  req: { roleArn: arnOf(configRole), roleSessionName: "AWSConfig-Describe" },
  resp: { assumedRoleUser: { arn: sessionArn(configRole, "AWSConfig-Describe") } },
  ua: "config.amazonaws.com",
  resources: [{ accountId: A, type: "AWS::IAM::Role", ARN: arnOf(configRole) }],
});
const configWho = invoked(assumed(configRole, "AWSConfig-Describe"), "config.amazonaws.com");
rec({
  time: "15:00:02",
  who: configWho,
  source: "ec2",
  name: "DescribeInstances",
  req: { instancesSet: {}, filterSet: {} },
  ua: "config.amazonaws.com",
  ip: "config.amazonaws.com",
  readOnly: true,
});
const configTopic = `arn:aws:sns:${REGION}:${A}:config-changes`;
deny(
  {
    time: "15:00:05",
    who: configWho,
    source: "sns",
    name: "Publish",
    req: { topicArn: configTopic },
    ua: "config.amazonaws.com",
    ip: "config.amazonaws.com",
    error: [
      "AuthorizationError",
      msg(
        sessionArn(configRole, "AWSConfig-Describe"),
        "SNS:Publish",
        configTopic,
        noIdentity("SNS:Publish"),
      ),
    ],
  },
  {
    action: "sns:Publish",
    resource: configTopic,
    deniedBy: "identity",
    fixTarget: "service-role",
    fixRoleArn: arnOf(configRole),
    noise: null,
  },
);
const checkFile = `AWSLogs/${A}/Config/ConfigWritabilityCheckFile`;
deny(
  {
    time: "15:01:00",
    who: invoked(assumed(slrConfig, "AWSConfig-BucketConfigCheck"), "config.amazonaws.com"),
    source: "s3",
    name: "PutObject",
    req: { bucketName: configBucket, key: checkFile },
    ua: "config.amazonaws.com",
    ip: "config.amazonaws.com",
    data: true,
    error: [
      "AccessDenied",
      msg(
        sessionArn(slrConfig, "AWSConfig-BucketConfigCheck"),
        "s3:PutObject",
        `arn:aws:s3:::${configBucket}/${checkFile}`,
        "with an explicit deny in a resource-based policy",
      ),
    ],
  },
  {
    action: "s3:PutObject",
    resource: `arn:aws:s3:::${configBucket}/${checkFile}`,
    deniedBy: "resource",
    fixTarget: "resource-policy",
    noise: null,
  },
);
deny(
  {
    time: "15:01:05",
    who: service("config.amazonaws.com"),
    source: "s3",
    name: "GetBucketAcl",
    req: { bucketName: configBucket },
    ua: "config.amazonaws.com",
    readOnly: true,
    error: ["AccessDenied", "Access Denied"],
  },
  {
    action: "s3:GetBucketAcl",
    resource: `arn:aws:s3:::${configBucket}`,
    deniedBy: "unknown",
    fixTarget: "resource-policy",
    noise: null,
  },
);
// Firehose names its sessions like ECS task IDs here (uncertain, see the README): only invokedBy tells.
const FIREHOSE_SESSION = hex("firehose-session", 32);
const firehoseWho = invoked(assumed(firehoseRole, FIREHOSE_SESSION), "firehose.amazonaws.com");
rec({
  time: "15:05:00",
  who: firehoseWho,
  source: "s3",
  name: "PutObject",
  req: { bucketName: "acme-clickstream", key: "raw/2026/11/16/15/part-0001.gz" },
  ua: "firehose.amazonaws.com",
  ip: "firehose.amazonaws.com",
  data: true,
});
deny(
  {
    time: "15:05:30",
    who: firehoseWho,
    source: "s3",
    name: "PutObject",
    req: { bucketName: "acme-clickstream-errors", key: "failed/2026/11/16/15/part-0001.gz" },
    ua: "firehose.amazonaws.com",
    ip: "firehose.amazonaws.com",
    data: true,
    error: [
      "AccessDenied",
      msg(
        sessionArn(firehoseRole, FIREHOSE_SESSION),
        "s3:PutObject",
        "arn:aws:s3:::acme-clickstream-errors/failed/2026/11/16/15/part-0001.gz",
        noIdentity("s3:PutObject"),
      ),
    ],
  },
  {
    action: "s3:PutObject",
    resource: "arn:aws:s3:::acme-clickstream-errors/failed/2026/11/16/15/part-0001.gz",
    deniedBy: "identity",
    fixTarget: "service-role",
    fixRoleArn: arnOf(firehoseRole),
    noise: null,
  },
);
const SFN_SESSION = hex("states-session", 32);
rec({
  time: "15:10:00",
  who: service("states.amazonaws.com"),
  source: "sts",
  name: "AssumeRole",
  req: { roleArn: arnOf(statesRole), roleSessionName: SFN_SESSION },
  resp: { assumedRoleUser: { arn: sessionArn(statesRole, SFN_SESSION) } },
  ua: "states.amazonaws.com",
  resources: [{ accountId: A, type: "AWS::IAM::Role", ARN: arnOf(statesRole) }],
});
// Role chaining: checkout's code assumes the partner upload role, naming the session after its task ID.
rec({
  time: "15:20:00",
  who: assumed(checkoutTask, T.checkout1),
  source: "sts",
  name: "AssumeRole",
  req: { roleArn: arnOf(partner), roleSessionName: T.checkout1, durationSeconds: 900 },
  resp: { assumedRoleUser: { arn: sessionArn(partner, T.checkout1) } },
  ua: JAVA_FARGATE,
  ip: "10.0.20.44",
  resources: [{ accountId: A, type: "AWS::IAM::Role", ARN: arnOf(partner) }],
});
app(
  "15:20:02",
  partner,
  T.checkout1,
  "s3",
  "PutObject",
  { bucketName: "partner-dropbox", key: "in/orders-0001.csv" },
  JAVA_FARGATE,
  true,
);
deny(
  {
    time: "15:20:05",
    who: assumed(partner, T.checkout1),
    source: "s3",
    name: "PutObject",
    req: { bucketName: "partner-dropbox", key: "archive/orders-0001.csv" },
    ua: JAVA_FARGATE,
    ip: "10.0.20.44",
    data: true,
    error: [
      "AccessDenied",
      msg(
        sessionArn(partner, T.checkout1),
        "s3:PutObject",
        "arn:aws:s3:::partner-dropbox/archive/orders-0001.csv",
        noIdentity("s3:PutObject"),
      ),
    ],
  },
  {
    action: "s3:PutObject",
    resource: "arn:aws:s3:::partner-dropbox/archive/orders-0001.csv",
    deniedBy: "identity",
    fixTarget: "chained-role",
    fixRoleArn: arnOf(partner),
    noise: null,
  },
);
// An EKS worker node's kubelet pulls a pod's image with the node role: nothing on this host is ECS.
const inventoryRepo = `arn:aws:ecr:${REGION}:${A}:repository/inventory/api`;
deny(
  {
    time: "15:30:00",
    who: assumed(eksNode, NODE_ID),
    source: "ecr",
    name: "BatchGetImage",
    req: { repositoryName: "inventory/api", imageIds: [{ imageTag: "2026.11.16" }] },
    ua: "containerd/1.7.22",
    ip: "10.1.4.21",
    readOnly: true,
    error: [
      "AccessDeniedException",
      msg(sessionArn(eksNode, NODE_ID), "ecr:BatchGetImage", inventoryRepo, noIdentity("ecr:BatchGetImage")),
    ],
  },
  {
    action: "ecr:BatchGetImage",
    resource: inventoryRepo,
    deniedBy: "identity",
    fixTarget: "ec2-instance",
    fixRoleArn: arnOf(eksNode),
    noise: null,
  },
);
// S3 decrypting an SSE-KMS object for checkout's task role: AWS Internal acting for the role, not the console.
deny(
  {
    time: "15:40:00",
    who: invoked(assumed(checkoutTask, T.checkout2), "AWS Internal"),
    source: "kms",
    name: "Decrypt",
    req: { encryptionAlgorithm: "SYMMETRIC_DEFAULT", keyId: cmk },
    ua: "AWS Internal",
    ip: "AWS Internal",
    readOnly: true,
    error: [
      "AccessDeniedException",
      msg(sessionArn(checkoutTask, T.checkout2), "kms:Decrypt", cmk, noIdentity("kms:Decrypt")),
    ],
  },
  {
    action: "kms:Decrypt",
    resource: cmk,
    deniedBy: "identity",
    fixTarget: "ecs-task",
    fixRoleArn: arnOf(checkoutTask),
    noise: null,
  },
);

// ---- policy evidence (docs/policies.md): what the policy model reads ---------------------------------------
// Appended last so every earlier event keeps its id. IAM changes come from Terraform (its session allows iam:*);
// the resource policies were set by the account's root user while bootstrapping, before any task ran.
const doc = (...statements: Json[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (sid: string, action: string | string[], resource: string | string[] = "*"): Json => ({
  Sid: sid,
  Effect: "Allow",
  Action: action,
  Resource: resource,
});
function admin(
  time: string,
  who: Json,
  source: string,
  name: string,
  req: Json,
  resp: Json | null = null,
): void {
  rec({
    time,
    who,
    source,
    name,
    req,
    resp,
    ua: who === tf ? TERRAFORM : CLI,
    ip: who === tf ? "20.55.14.201" : CI_IP,
  });
}
const ciArn = `arn:aws:iam::${A}:user/ci-deployer`;
admin(
  "09:10:40",
  tf,
  "iam",
  "CreateUser",
  { userName: "ci-deployer", path: "/" },
  {
    user: { path: "/", userName: "ci-deployer", userId: "AIDAEXAMPLECIDEPLOYER1", arn: ciArn },
  },
);
admin("09:10:41", tf, "iam", "PutUserPolicy", {
  userName: "ci-deployer",
  policyName: "ci-deploy",
  policyDocument: doc(
    allow("Deploy", ["ecs:*", "events:PutTargets", "application-autoscaling:*", "codedeploy:*"]),
    allow(
      "PassDeployedRoles",
      "iam:PassRole",
      [checkoutTask, checkoutExec, billingTask, defaultExec, workerTask, eventsRole, serviceRole].map(arnOf),
    ),
  ),
});
const boundaryArn = `arn:aws:iam::${A}:policy/orders-api-boundary`;
const boundaryDoc = doc(
  allow(
    "OrdersData",
    ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
    `arn:aws:dynamodb:${REGION}:${A}:table/orders`,
  ),
  allow(
    "OrdersQueue",
    ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
    `arn:aws:sqs:${REGION}:${A}:orders-inbound`,
  ),
);
admin(
  "09:11:50",
  tf,
  "iam",
  "CreatePolicy",
  { policyName: "orders-api-boundary", path: "/", policyDocument: boundaryDoc },
  {
    policy: { policyName: "orders-api-boundary", arn: boundaryArn, defaultVersionId: "v1", path: "/" },
  },
);
admin("09:11:51", tf, "iam", "PutRolePermissionsBoundary", {
  roleName: irsa.name,
  permissionsBoundary: boundaryArn,
});

const bucketPolicy = (bucket: string, ...statements: Json[]) => {
  const secure: Json = {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
  admin("08:45:00", rootUser, "s3", "PutBucketPolicy", {
    bucketName: bucket,
    bucketPolicy: JSON.parse(doc(secure, ...statements)),
  });
};
for (const bucket of ["acme-checkout-receipts", "acme-billing-exports", "acme-reports"]) bucketPolicy(bucket);
// The thumbnails bucket takes only encrypted objects: the function's unencrypted write meets the explicit deny.
bucketPolicy("acme-thumbnails", {
  Sid: "DenyUnencryptedUploads",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:PutObject",
  Resource: "arn:aws:s3:::acme-thumbnails/*",
  Condition: { Null: { "s3:x-amz-server-side-encryption": "true" } },
});
for (const queue of ["worker-results", "orders-inbound"])
  admin(
    "08:45:10",
    rootUser,
    "sqs",
    "CreateQueue",
    { queueName: queue },
    {
      queueUrl: `https://sqs.${REGION}.amazonaws.com/${A}/${queue}`,
    },
  );
const secretPolicy = (secret: string, readers: string[]) =>
  admin("08:45:20", rootUser, "secretsmanager", "PutResourcePolicy", {
    secretId: secret,
    resourcePolicy: doc({
      Sid: "Readers",
      Effect: "Allow",
      Principal: { AWS: readers },
      Action: "secretsmanager:GetSecretValue",
      Resource: "*",
    }),
  });
secretPolicy(stripe, [roleArn("checkout-migrations-role")]);
secretPolicy(invSecret, [roleArn("inventory-sync")]);
// The receipts key: the default "Enable IAM User Permissions" statement (the task role needs an identity policy)
// and the execution role, which reads the checkout secrets; not account B.
admin("08:45:30", rootUser, "kms", "PutKeyPolicy", {
  keyId: cmk,
  policyName: "default",
  policy: doc(
    {
      Sid: "Enable IAM User Permissions",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${A}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "CheckoutSecrets",
      Effect: "Allow",
      Principal: { AWS: arnOf(checkoutExec) },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
    },
  ),
});

// The organisation as `deniedby import org` reads it (docs/policies.md writes it with the aws CLI).
const orgId = "o-a1b2c3d4e5";
const OU = "ou-ab12-workload1";
writeOrgDirectory(join(here, "org"), {
  organizationId: orgId,
  managementAccount: ORG,
  root: "r-ab12",
  ous: { [OU]: "r-ab12" },
  accounts: { [A]: OU, [B]: OU, [ORG]: "r-ab12" },
  policies: [
    {
      id: "p-FullAWSAccess",
      name: "FullAWSAccess",
      type: "SERVICE_CONTROL_POLICY",
      document: JSON.parse(doc(allow("FullAWSAccess", "*"))),
      targets: ["r-ab12", OU, A, B, ORG],
    },
    {
      id: "p-deny0public",
      name: "deny-public-objects",
      type: "SERVICE_CONTROL_POLICY",
      document: JSON.parse(
        doc({
          Sid: "DenyPublicAcls",
          Effect: "Deny",
          Action: ["s3:PutObjectAcl", "s3:PutBucketAcl"],
          Resource: "*",
          Condition: { StringEquals: { "s3:x-amz-acl": ["public-read", "public-read-write"] } },
        }),
      ),
      targets: [OU],
    },
    {
      id: "p-2kgnabcd",
      name: "deny-iam-users",
      type: "SERVICE_CONTROL_POLICY",
      document: JSON.parse(
        doc({
          Sid: "NoLongLivedUsers",
          Effect: "Deny",
          Action: ["iam:CreateUser", "iam:CreateAccessKey"],
          Resource: "*",
        }),
      ),
      targets: ["r-ab12"],
    },
    {
      id: "p-RCPFullAWSAccess",
      name: "RCPFullAWSAccess",
      type: "RESOURCE_CONTROL_POLICY",
      document: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
      },
      targets: ["r-ab12", OU, A, B, ORG],
    },
    {
      id: "p-rcp0data1",
      name: "receipts-stay-home",
      type: "RESOURCE_CONTROL_POLICY",
      document: JSON.parse(
        doc({
          Sid: "OnlyThisAccountReadsReceipts",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::acme-checkout-receipts/*",
          Condition: {
            StringNotEqualsIfExists: { "aws:PrincipalAccount": A },
            BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
          },
        }),
      ),
      targets: [A],
    },
  ],
});

// ---- seed findings (docs/report.md): mistakes the report finds before anyone hits them -------------------------
// Appended last so every earlier event keeps its id. The values below are the scenario's own fakes.
// ECS Exec is switched on for checkout, whose task role holds no ssmmessages channel: the 10:31 denial of
// CreateControlChannel is what the report predicts from this record and the policy model.
rec({
  time: "10:25:00",
  who: ci,
  source: "ecs",
  name: "UpdateService",
  req: { cluster: "main", service: "checkout", taskDefinition: "checkout:8", enableExecuteCommand: true },
  resp: { service: { serviceName: "checkout", status: "ACTIVE", enableExecuteCommand: true } },
  ua: CLI,
  ip: CI_IP,
});
// ECS Exec on search too, whose task definition predates the trail: its task role's grants are unknown.
rec({
  time: "10:26:00",
  who: ci,
  source: "ecs",
  name: "UpdateService",
  req: { cluster: "main", service: "search", enableExecuteCommand: true },
  resp: { service: { serviceName: "search", status: "ACTIVE", enableExecuteCommand: true } },
  ua: CLI,
  ip: CI_IP,
});
// billing:4 puts the Stripe key and the database password in plain environment variables.
taskDef("16:00:00", "billing", 4, arnOf(billingTask), arnOf(defaultExec), "FARGATE", [
  {
    name: "billing",
    image: img("billing/app", "v42"),
    essential: true,
    logConfiguration: awslogs("/ecs/billing"),
    environment: [
      { name: "STRIPE_API_KEY", value: "sk_live_SCENARIO0fake0value0d9c8b7a" },
      { name: "DB_PASSWORD", value: "scenario-fake-password-4f3e" },
      { name: "LOG_LEVEL", value: "info" },
    ],
  },
]);
// billing-export on Fargate with secrets and awslogs but no execution role: it cannot start.
taskDef("16:01:00", "billing-export", 1, arnOf(billingTask), null, "FARGATE", [
  {
    name: "export",
    image: img("billing/export", "v1"),
    essential: true,
    logConfiguration: awslogs("/ecs/billing-export"),
    secrets: [
      {
        name: "EXPORT_TOKEN",
        valueFrom: `arn:aws:secretsmanager:${REGION}:${A}:secret:billing/export-token-Hj7Kl9`,
      },
    ],
  },
]);
// Grants in the wrong place: the worker's image pull granted to its task role (on EC2 without an execution role
// the instance role pulls), the search table on search's execution role, an orders read on the ECS hosts' role.
admin("16:02:00", tf, "iam", "PutRolePolicy", {
  roleName: workerTask.name,
  policyName: "worker-pull",
  policyDocument: doc(allow("Pull", ["ecr:*", "logs:CreateLogStream"])),
});
admin("16:02:10", tf, "iam", "PutRolePolicy", {
  roleName: searchRuntime.name,
  policyName: "search-data",
  policyDocument: doc(allow("SearchTable", ["dynamodb:Query", "dynamodb:GetItem"], table("search-index"))),
});
admin("16:02:20", tf, "iam", "PutRolePolicy", {
  roleName: hostMain.name,
  policyName: "legacy-batch-orders",
  policyDocument: doc(allow("OrdersRead", "dynamodb:GetItem", table("orders"))),
});
// checkout's task role as Terraform writes it: its data, and no ssmmessages channel for ECS Exec.
admin("16:02:30", tf, "iam", "PutRolePolicy", {
  roleName: checkoutTask.name,
  policyName: "checkout-app",
  policyDocument: doc(allow("Orders", ["dynamodb:GetItem", "dynamodb:Query"], table("checkout-orders"))),
});

// ---- write ---------------------------------------------------------------------------------------------------
records.sort(
  (a, b) =>
    String(a.eventTime).localeCompare(String(b.eventTime)) ||
    String(a.eventID).localeCompare(String(b.eventID)),
);
writeFileSync(
  join(here, `${A}_CloudTrail_${REGION}_20261116T0900Z_scenario.json`),
  `${JSON.stringify({ Records: records }, null, 1)}\n`,
);
writeFileSync(join(here, "labels.json"), `${JSON.stringify({ roles, denials }, null, 1)}\n`);
process.stdout.write(
  `${records.length} records, ${Object.keys(roles).length} labelled principals, ${Object.keys(denials).length} labelled denials\n`,
);
