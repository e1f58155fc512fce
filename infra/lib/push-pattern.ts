/**
 * The EventBridge pattern of what deniedby wants pushed: CloudTrail denials (every error code deniedby counts as one,
 * plus "not authorized to perform" messages) and successful role evidence (task definitions, launches, trust
 * policies, instance profiles, policy attachments, AssumeRole by AWS services, Lambda function roles). Compacted with
 * prefix/suffix/wildcard matchers to stay within EventBridge's 4,096-character pattern limit;
 * infra/test/push.test.ts checks it against src/cloudtrail so the two cannot drift apart.
 */
export const cloudTrailPushPattern = {
  "detail-type": ["AWS API Call via CloudTrail"],
  detail: {
    $or: [
      {
        errorCode: [
          "AccessDenied",
          "AccessDeniedException",
          "AccessDeniedFault",
          "AccessDeniedForDependencyException",
          "AccessForbidden",
          "AuthorizationError",
          "AuthorizationErrorException",
          "Client.Forbidden",
          "Client.UnauthorizedOperation",
          "Forbidden",
          "ForbiddenException",
          "InsufficientPrivilegesException",
          "KMSAccessDenied",
          "KMSAccessDeniedException",
          "KMSAccessDeniedFault",
          "OrganizationAccessDeniedException",
          "UnauthorizedAccess",
          "UnauthorizedAccessException",
          "UnauthorizedException",
          "UnauthorizedOperation",
          "UnauthorizedOperationException",
          "VpceAccessDenied",
          {
            prefix: "AccessDenied",
          },
          {
            suffix: "AccessDenied",
          },
          {
            suffix: "AccessDeniedException",
          },
        ],
      },
      {
        errorMessage: [
          {
            wildcard: "*not authorized to perform*",
          },
          {
            wildcard: "*Access to KMS is not allowed*",
          },
        ],
      },
      {
        eventName: [
          "AddRoleToInstanceProfile",
          "AddUserToGroup",
          "AssociateIamInstanceProfile",
          "AssumeRoleForPodIdentity",
          "AssumeRoleWithSAML",
          "AssumeRoleWithWebIdentity",
          "AttachGroupPolicy",
          "AttachPolicy",
          "AttachRolePolicy",
          "AttachUserPolicy",
          "CreateDeploymentGroup",
          "CreateInstanceProfile",
          "CreateKey",
          "CreateLaunchConfiguration",
          "CreateLaunchTemplate",
          "CreateLaunchTemplateVersion",
          "CreateNodegroup",
          "CreatePodIdentityAssociation",
          "CreatePolicy",
          "CreatePolicyVersion",
          "CreateQueue",
          "CreateRole",
          "CreateService",
          "CreateServiceLinkedRole",
          "CreateTopic",
          "CreateUser",
          "DeleteBucketPolicy",
          "DeleteGroupPolicy",
          "DeletePolicy",
          "DeletePolicyVersion",
          "DeleteRepositoryPolicy",
          "DeleteResourcePolicy",
          "DeleteRole",
          "DeleteRolePermissionsBoundary",
          "DeleteRolePolicy",
          "DeleteUser",
          "DeleteUserPermissionsBoundary",
          "DeleteUserPolicy",
          "DetachGroupPolicy",
          "DetachPolicy",
          "DetachRolePolicy",
          "DetachUserPolicy",
          "PutBucketPolicy",
          "PutGroupPolicy",
          "PutKeyPolicy",
          "PutResourcePolicy",
          "PutRolePermissionsBoundary",
          "PutRolePolicy",
          "PutTargets",
          "PutUserPermissionsBoundary",
          "PutUserPolicy",
          "RegisterContainerInstance",
          "RegisterScalableTarget",
          "RegisterTaskDefinition",
          "RemoveRoleFromInstanceProfile",
          "RemoveUserFromGroup",
          "ReplaceIamInstanceProfileAssociation",
          "RunInstances",
          "RunTask",
          "SetDefaultPolicyVersion",
          "SetQueueAttributes",
          "SetRepositoryPolicy",
          "SetTopicAttributes",
          "StartTask",
          "TagRole",
          "TagUser",
          "UntagRole",
          "UntagUser",
          "UpdateAssumeRolePolicy",
          "UpdatePodIdentityAssociation",
          "UpdatePolicy",
          "UpdateService",
        ],
        errorCode: [
          {
            exists: false,
          },
        ],
      },
      {
        eventName: ["AssumeRole"],
        userIdentity: {
          type: ["AWSService"],
        },
        errorCode: [
          {
            exists: false,
          },
        ],
      },
      {
        eventName: [
          {
            prefix: "CreateFunction",
          },
          {
            prefix: "UpdateFunctionConfiguration",
          },
          {
            prefix: "AddPermission",
          },
          {
            prefix: "RemovePermission",
          },
        ],
        eventSource: ["lambda.amazonaws.com"],
        errorCode: [
          {
            exists: false,
          },
        ],
      },
    ],
  },
} as const;
