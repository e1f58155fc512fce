import { z } from "zod";

/**
 * One entry of each list of `aws iam get-account-authorization-details` output (IAM API reference: RoleDetail,
 * UserDetail, GroupDetail, ManagedPolicyDetail). Unknown fields are tolerated: the API adds fields over time.
 * Documents stay `unknown` here: they are read (URL-encoded text or objects) by contentFrom.
 */
const InlinePolicy = z.object({ PolicyName: z.string().min(1), PolicyDocument: z.unknown() });
const AttachedPolicy = z.object({
  PolicyName: z.string().optional(),
  PolicyArn: z.string().startsWith("arn:"),
});
const Tag = z.object({ Key: z.string(), Value: z.string() });
const Boundary = z.object({ PermissionsBoundaryArn: z.string().startsWith("arn:") });
const arn = (type: string) => z.string().regex(new RegExp(`^arn:aws[\\w-]*:iam::\\d{12}:${type}/`));

export const RoleDetail = z.object({
  RoleName: z.string().min(1),
  Arn: arn("role"),
  Path: z.string().optional(),
  RoleId: z.string().optional(),
  AssumeRolePolicyDocument: z.unknown(),
  RolePolicyList: z.array(InlinePolicy).default([]),
  AttachedManagedPolicies: z.array(AttachedPolicy).default([]),
  PermissionsBoundary: Boundary.optional(),
  InstanceProfileList: z.array(z.object({ Arn: z.string() })).default([]),
  Tags: z.array(Tag).default([]),
});
export type RoleDetail = z.infer<typeof RoleDetail>;

export const UserDetail = z.object({
  UserName: z.string().min(1),
  Arn: arn("user"),
  Path: z.string().optional(),
  UserId: z.string().optional(),
  UserPolicyList: z.array(InlinePolicy).default([]),
  GroupList: z.array(z.string()).default([]),
  AttachedManagedPolicies: z.array(AttachedPolicy).default([]),
  PermissionsBoundary: Boundary.optional(),
  Tags: z.array(Tag).default([]),
});
export type UserDetail = z.infer<typeof UserDetail>;

export const GroupDetail = z.object({
  GroupName: z.string().min(1),
  Arn: arn("group"),
  Path: z.string().optional(),
  GroupId: z.string().optional(),
  GroupPolicyList: z.array(InlinePolicy).default([]),
  AttachedManagedPolicies: z.array(AttachedPolicy).default([]),
});
export type GroupDetail = z.infer<typeof GroupDetail>;

export const ManagedPolicyDetail = z.object({
  PolicyName: z.string().min(1),
  // AWS managed policies are listed too when attached: their account field reads `aws`.
  Arn: z.string().regex(/^arn:aws[\w-]*:iam::(\d{12}|aws):policy\//),
  Path: z.string().optional(),
  PolicyId: z.string().optional(),
  DefaultVersionId: z.string().optional(),
  PolicyVersionList: z
    .array(z.object({ VersionId: z.string(), IsDefaultVersion: z.boolean(), Document: z.unknown() }))
    .default([]),
});
export type ManagedPolicyDetail = z.infer<typeof ManagedPolicyDetail>;
