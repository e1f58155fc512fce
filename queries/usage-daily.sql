-- Usage aggregates per UTC day, principal and call, grouped by what the call's resource is built from: the request
-- parameters and resources src/cloudtrail/resource.ts (primaryResource) reads, rotating values rewritten to
-- stand-ins that fold alike. deniedby builds and folds the resource from these columns as it does for files
-- (usageResource), so rows from either path share keys. Principals are computed the way principal.ts and arn.ts
-- compute them. Denials are left out (the denials query brings them); so are services assuming roles.
WITH calls AS (
  SELECT
    substr(eventtime, 1, 10) AS day,
    eventtime,
    eventsource,
    eventname,
    errorcode,
    substr(useragent, 1, 256) AS useragent,
    coalesce(useridentity.type, 'Unknown') AS principal_type,
    CASE
      WHEN regexp_like(useridentity.arn, '^arn:aws[\w-]*:sts::\d{12}:assumed-role/[^/]+/.+$') THEN
        CASE
          WHEN useridentity.sessioncontext.sessionissuer.type = 'Role'
            AND coalesce(useridentity.sessioncontext.sessionissuer.arn, '') <> ''
            THEN useridentity.sessioncontext.sessionissuer.arn
          ELSE regexp_replace(
            useridentity.arn, '^arn:(aws[\w-]*):sts::(\d{12}):assumed-role/([^/]+)/.+$', 'arn:$1:iam::$2:role/$3'
          )
        END
      WHEN useridentity.type = 'AssumedRole' AND coalesce(useridentity.sessioncontext.sessionissuer.arn, '') <> ''
        THEN useridentity.sessioncontext.sessionissuer.arn
    END AS role_arn,
    CASE
      WHEN coalesce(useridentity.arn, '') <> '' THEN useridentity.arn
      WHEN useridentity.type = 'AWSService' AND coalesce(useridentity.invokedby, '') <> ''
        THEN 'service:' || useridentity.invokedby
      WHEN useridentity.type = 'AWSAccount' AND coalesce(useridentity.accountid, '') <> ''
        THEN 'account:' || useridentity.accountid
      WHEN coalesce(useridentity.principalid, '') <> '' THEN 'principal:' || useridentity.principalid
      ELSE 'unknown'
    END AS caller_arn,
    coalesce(nullif(useridentity.accountid, ''), nullif(recipientaccountid, ''), '') AS account_id,
    -- begin generated: resource-columns (from src/cloudtrail by npm run queries:sync; edit it there)
    json_extract_scalar(requestparameters, '$.bucketName') AS rp_bucket_name,
    json_extract_scalar(requestparameters, '$.Bucket') AS rp__bucket,
    regexp_replace(json_extract_scalar(requestparameters, '$.key'), '^(.*\/)?[^/]+$', '$1_') AS rp_key,
    regexp_replace(json_extract_scalar(requestparameters, '$.Key'), '^(.*\/)?[^/]+$', '$1_') AS rp__key,
    json_extract_scalar(requestparameters, '$.tableName') AS rp_table_name,
    json_extract_scalar(requestparameters, '$.tableArn') AS rp_table_arn,
    json_extract_scalar(requestparameters, '$.queueUrl') AS rp_queue_url,
    json_extract_scalar(requestparameters, '$.secretId') AS rp_secret_id,
    json_extract_scalar(requestparameters, '$.repositoryName') AS rp_repository_name,
    json_extract_scalar(requestparameters, '$.registryId') AS rp_registry_id,
    json_extract_scalar(requestparameters, '$.keyId') AS rp_key_id,
    json_extract_scalar(requestparameters, '$.functionName') AS rp_function_name,
    json_extract_scalar(requestparameters, '$.roleArn') AS rp_role_arn,
    json_extract_scalar(requestparameters, '$.roleName') AS rp_role_name,
    json_extract_scalar(requestparameters, '$.logGroupName') AS rp_log_group_name,
    regexp_replace(json_extract_scalar(requestparameters, '$.logStreamName'), '^.+$', '_') AS rp_log_stream_name,
    json_extract_scalar(requestparameters, '$.topicArn') AS rp_topic_arn,
    json_extract_scalar(requestparameters, '$.targetArn') AS rp_target_arn,
    CASE WHEN eventsource = 'ssm.amazonaws.com' THEN json_extract_scalar(requestparameters, '$.names[0]') END AS rp_names,
    CASE WHEN eventsource = 'ssm.amazonaws.com' THEN json_extract_scalar(requestparameters, '$.name') END AS rp_name,
    CASE WHEN eventsource = 'ecs.amazonaws.com' THEN json_extract_scalar(requestparameters, '$.cluster') END AS rp_cluster,
    regexp_replace(CASE WHEN eventsource = 'ecs.amazonaws.com' THEN json_extract_scalar(requestparameters, '$.task') END, '[0-9a-f]{32}$', '00000000000000000000000000000000') AS rp_task,
    regexp_replace(json_extract_scalar(requestparameters, '$.instanceId'), '^i-[0-9a-f]+$', 'i-0') AS rp_instance_id,
    json_extract_scalar(requestparameters, '$.volumeId') AS rp_volume_id,
    regexp_replace(element_at(transform(filter(filter(resources, r -> coalesce(r.arn, '') <> ''), r -> r.type = 'AWS::S3::Object'), r -> r.arn), 1), '^(arn:[^:]*:s3:::[^/]+\/(?:.*\/)?)[^/]+$', '$1_') AS rs_object_arn,
    regexp_replace(element_at(transform(filter(resources, r -> coalesce(r.arn, '') <> ''), r -> r.arn), 1), '^(arn:[^:]*:s3:::[^/]+\/(?:.*\/)?)[^/]+$', '$1_') AS rs_first_arn,
    -- end generated: resource-columns
    coalesce(awsregion, '') AS region,
    coalesce(recipientaccountid, useridentity.accountid, '') AS resource_account
  FROM {{table}}
  WHERE p_date BETWEEN ? AND ?
    AND eventtime >= ?
    AND eventtime < ?
    AND NOT (
      -- begin generated: denial (from src/cloudtrail by npm run queries:sync; edit it there)
      coalesce(errorcode, '') <> ''
      AND (
        errorcode IN (
          'AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation',
          'Client.UnauthorizedOperation', 'AuthorizationError', 'AuthorizationErrorException',
          'UnauthorizedAccess', 'UnauthorizedAccessException', 'UnauthorizedException',
          'UnauthorizedOperationException', 'Forbidden', 'ForbiddenException', 'Client.Forbidden',
          'AccessForbidden', 'InsufficientPrivilegesException', 'VpceAccessDenied',
          'KMSAccessDeniedException', 'KMSAccessDenied', 'KMSAccessDeniedFault', 'AccessDeniedFault',
          'OrganizationAccessDeniedException', 'AccessDeniedForDependencyException'
        )
        OR (regexp_like(errorcode, '^NotAuthorized(Exception)?$') AND regexp_like(coalesce(errormessage, ''), '\bis not authorized to perform:? [\w-]+:[\w*]+|\bexplicit deny in\b'))
        OR (
          NOT regexp_like(errorcode, '^NotAuthorized(Exception)?$')
          AND NOT regexp_like(errorcode, '(?i)ExpiredToken|InvalidClientTokenId|SignatureDoesNotMatch|IncompleteSignature|InvalidToken|RequestExpired|AuthFailure|MissingAuthenticationToken|Throttl|TooManyRequests|RequestLimitExceeded|NoSuch|NotFound|Validation|InvalidParameter|DryRunOperation|Authorization(AlreadyExists|NotFound|Quota)')
          AND (
            regexp_like(errorcode, '(?i)AccessDenied|Unauthori[sz]ed|Forbidden')
            OR regexp_like(coalesce(errormessage, ''), '(?i)\bis not authorized to (perform|access)\b|\bnot authorized to perform\b|Access to KMS is not allowed|explicit deny|denied due to a VPC endpoint policy')
          )
        )
      )
      -- end generated: denial
    )
    AND NOT (
      coalesce(errorcode, '') = ''
      AND useridentity.type = 'AWSService'
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
    )
)
SELECT
  day,
  coalesce(role_arn, caller_arn) AS principal_arn,
  principal_type,
  role_arn,
  account_id,
  eventsource AS event_source,
  eventname AS event_name,
  region,
  resource_account,
  -- begin generated: resource-column-names (from src/cloudtrail by npm run queries:sync; edit it there)
  rp_bucket_name, rp__bucket, rp_key, rp__key, rp_table_name, rp_table_arn,
  rp_queue_url, rp_secret_id, rp_repository_name, rp_registry_id, rp_key_id, rp_function_name,
  rp_role_arn, rp_role_name, rp_log_group_name, rp_log_stream_name, rp_topic_arn, rp_target_arn,
  rp_names, rp_name, rp_cluster, rp_task, rp_instance_id, rp_volume_id,
  rs_object_arn, rs_first_arn,
  -- end generated: resource-column-names
  count_if(coalesce(errorcode, '') = '') AS calls,
  count_if(coalesce(errorcode, '') <> '') AS errors,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen,
  json_format(CAST(slice(array_sort(array_distinct(array_agg(useragent) FILTER (WHERE useragent IS NOT NULL))), 1, 5) AS JSON))
    AS user_agents
FROM calls
GROUP BY
  -- begin generated: resource-column-names (from src/cloudtrail by npm run queries:sync; edit it there)
  rp_bucket_name, rp__bucket, rp_key, rp__key, rp_table_name, rp_table_arn,
  rp_queue_url, rp_secret_id, rp_repository_name, rp_registry_id, rp_key_id, rp_function_name,
  rp_role_arn, rp_role_name, rp_log_group_name, rp_log_stream_name, rp_topic_arn, rp_target_arn,
  rp_names, rp_name, rp_cluster, rp_task, rp_instance_id, rp_volume_id,
  rs_object_arn, rs_first_arn,
  -- end generated: resource-column-names
  1, 2, 3, 4, 5, 6, 7, 8, 9
ORDER BY day
