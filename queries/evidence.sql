SELECT
  -- begin generated: record-columns (from src/cloudtrail by npm run queries:sync; edit it there)
  eventversion,
  useridentity.type AS ui_type,
  useridentity.principalid AS ui_principalid,
  useridentity.arn AS ui_arn,
  useridentity.accountid AS ui_accountid,
  useridentity.accesskeyid AS ui_accesskeyid,
  useridentity.username AS ui_username,
  useridentity.invokedby AS ui_invokedby,
  useridentity.sessioncontext.attributes.creationdate AS sc_creationdate,
  useridentity.sessioncontext.attributes.mfaauthenticated AS sc_mfaauthenticated,
  useridentity.sessioncontext.sessionissuer.type AS si_type,
  useridentity.sessioncontext.sessionissuer.principalid AS si_principalid,
  useridentity.sessioncontext.sessionissuer.arn AS si_arn,
  useridentity.sessioncontext.sessionissuer.accountid AS si_accountid,
  useridentity.sessioncontext.sessionissuer.username AS si_username,
  useridentity.sessioncontext.ec2roledelivery AS sc_ec2roledelivery,
  useridentity.sessioncontext.webidfederationdata.federatedprovider AS sc_federatedprovider,
  eventtime,
  eventsource,
  eventname,
  awsregion,
  sourceipaddress,
  useragent,
  errorcode,
  errormessage,
  requestparameters,
  responseelements,
  additionaleventdata,
  requestid,
  eventid,
  readonly,
  json_format(CAST(resources AS JSON)) AS resources_json,
  eventtype,
  apiversion,
  recipientaccountid,
  serviceeventdetails,
  sharedeventid,
  vpcendpointid,
  eventcategory
  -- end generated: record-columns
FROM {{table}}
WHERE p_date BETWEEN ? AND ?
  AND eventtime >= ?
  AND eventtime < ?
  AND coalesce(errorcode, '') = ''
  AND (
    -- begin generated: evidence (from src/cloudtrail by npm run queries:sync; edit it there)
    (eventsource = 'sts.amazonaws.com' AND eventname = 'AssumeRole' AND useridentity.type = 'AWSService')
    OR (
      eventsource = 'lambda.amazonaws.com'
      AND regexp_like(eventname, '^(CreateFunction|UpdateFunctionConfiguration|AddPermission|RemovePermission)(\d{8}(v\d+)?)?$')
    )
    OR concat(split_part(eventsource, '.', 1), ':', eventname) IN (
      'ecs:RegisterTaskDefinition', 'ecs:RunTask', 'ecs:CreateService', 'ecs:UpdateService',
      'ecs:StartTask', 'ecs:RegisterContainerInstance', 'ec2:RunInstances',
      'ec2:AssociateIamInstanceProfile', 'ec2:ReplaceIamInstanceProfileAssociation',
      'ec2:CreateLaunchTemplate', 'ec2:CreateLaunchTemplateVersion',
      'autoscaling:CreateLaunchConfiguration', 'iam:AddRoleToInstanceProfile',
      'iam:CreateServiceLinkedRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML',
      'eks-auth:AssumeRoleForPodIdentity', 'eks:CreatePodIdentityAssociation',
      'eks:UpdatePodIdentityAssociation', 'eks:CreateNodegroup', 'events:PutTargets',
      'application-autoscaling:RegisterScalableTarget', 'codedeploy:CreateDeploymentGroup',
      'iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy',
      'iam:DeleteRole', 'iam:TagRole', 'iam:UntagRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy',
      'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary', 'iam:CreateUser',
      'iam:DeleteUser', 'iam:TagUser', 'iam:UntagUser', 'iam:PutUserPolicy', 'iam:DeleteUserPolicy',
      'iam:AttachUserPolicy', 'iam:DetachUserPolicy', 'iam:PutUserPermissionsBoundary',
      'iam:DeleteUserPermissionsBoundary', 'iam:AddUserToGroup', 'iam:RemoveUserFromGroup',
      'iam:PutGroupPolicy', 'iam:DeleteGroupPolicy', 'iam:AttachGroupPolicy', 'iam:DetachGroupPolicy',
      'iam:CreatePolicy', 'iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy',
      'iam:SetDefaultPolicyVersion', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 'kms:PutKeyPolicy',
      'kms:CreateKey', 'sqs:SetQueueAttributes', 'sqs:CreateQueue', 'sns:SetTopicAttributes',
      'sns:CreateTopic', 'ecr:SetRepositoryPolicy', 'ecr:DeleteRepositoryPolicy',
      'secretsmanager:PutResourcePolicy', 'secretsmanager:DeleteResourcePolicy',
      'organizations:CreatePolicy', 'organizations:UpdatePolicy', 'organizations:DeletePolicy',
      'organizations:AttachPolicy', 'organizations:DetachPolicy', 'iam:CreateInstanceProfile',
      'iam:RemoveRoleFromInstanceProfile'
    )
    -- end generated: evidence
  )
