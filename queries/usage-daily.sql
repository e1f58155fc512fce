-- Usage aggregates per UTC day, principal, call and resource, computed the way src/cloudtrail (principal.ts, arn.ts,
-- resource.ts: primaryResource, usageResource) computes them for files, so rows from either path share keys. S3 object
-- keys fold to their folder. Denials are left out (the denials query brings them); so are services assuming roles.
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
    filter(transform(resources, r -> r.arn), a -> coalesce(a, '') <> '')[1] AS listed_arn,
    coalesce(awsregion, '') AS region,
    coalesce(recipientaccountid, useridentity.accountid, '') AS resource_account,
    nullif(json_extract_scalar(requestparameters, '$.bucketName'), '') AS p_bucket,
    nullif(json_extract_scalar(requestparameters, '$.key'), '') AS p_key,
    nullif(json_extract_scalar(requestparameters, '$.tableName'), '') AS p_table,
    nullif(json_extract_scalar(requestparameters, '$.queueUrl'), '') AS p_queue_url,
    nullif(json_extract_scalar(requestparameters, '$.secretId'), '') AS p_secret,
    nullif(json_extract_scalar(requestparameters, '$.repositoryName'), '') AS p_repository,
    nullif(json_extract_scalar(requestparameters, '$.keyId'), '') AS p_kms_key,
    nullif(json_extract_scalar(requestparameters, '$.functionName'), '') AS p_function,
    nullif(json_extract_scalar(requestparameters, '$.roleArn'), '') AS p_role_arn,
    nullif(json_extract_scalar(requestparameters, '$.roleName'), '') AS p_role_name,
    nullif(json_extract_scalar(requestparameters, '$.logGroupName'), '') AS p_log_group,
    nullif(json_extract_scalar(requestparameters, '$.topicArn'), '') AS p_topic,
    CASE WHEN eventsource = 'ssm.amazonaws.com'
      THEN nullif(json_extract_scalar(requestparameters, '$.names[0]'), '') END AS p_ssm_name
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
),
resolved AS (
  SELECT
    calls.*,
    coalesce(
      listed_arn,
      CASE
        WHEN p_bucket IS NOT NULL THEN 'arn:aws:s3:::' || p_bucket || coalesce('/' || p_key, '')
        WHEN p_table IS NOT NULL THEN
          CASE WHEN p_table LIKE 'arn:%' THEN p_table
            ELSE 'arn:aws:dynamodb:' || region || ':' || resource_account || ':table/' || p_table END
        WHEN p_queue_url IS NOT NULL AND cardinality(split(p_queue_url, '/')) >= 2
          AND element_at(split(p_queue_url, '/'), -1) <> '' AND element_at(split(p_queue_url, '/'), -2) <> '' THEN
          'arn:aws:sqs:' || region || ':' || element_at(split(p_queue_url, '/'), -2) || ':'
          || element_at(split(p_queue_url, '/'), -1)
        WHEN p_secret IS NOT NULL THEN
          CASE WHEN p_secret LIKE 'arn:%' THEN p_secret
            ELSE 'arn:aws:secretsmanager:' || region || ':' || resource_account || ':secret:' || p_secret END
        WHEN p_repository IS NOT NULL THEN
          'arn:aws:ecr:' || region || ':' || resource_account || ':repository/' || p_repository
        WHEN p_kms_key IS NOT NULL THEN
          CASE WHEN p_kms_key LIKE 'arn:%' THEN p_kms_key
            ELSE 'arn:aws:kms:' || region || ':' || resource_account || ':key/' || p_kms_key END
        WHEN p_function IS NOT NULL THEN
          CASE WHEN p_function LIKE 'arn:%' THEN p_function
            ELSE 'arn:aws:lambda:' || region || ':' || resource_account || ':function:' || p_function END
        WHEN p_role_arn IS NOT NULL THEN p_role_arn
        WHEN p_role_name IS NOT NULL THEN 'arn:aws:iam::' || resource_account || ':role/' || p_role_name
        WHEN p_log_group IS NOT NULL THEN
          'arn:aws:logs:' || region || ':' || resource_account || ':log-group:' || p_log_group
        WHEN p_topic IS NOT NULL THEN p_topic
        WHEN p_ssm_name IS NOT NULL THEN
          'arn:aws:ssm:' || region || ':' || resource_account || ':parameter'
          || CASE WHEN p_ssm_name LIKE '/%' THEN p_ssm_name ELSE '/' || p_ssm_name END
      END,
      ''
    ) AS resource
  FROM calls
)
SELECT
  day,
  coalesce(role_arn, caller_arn) AS principal_arn,
  principal_type,
  role_arn,
  account_id,
  eventsource AS event_source,
  eventname AS event_name,
  CASE WHEN regexp_like(resource, '^arn:aws[\w-]*:s3:::[^/]+/') THEN regexp_replace(resource, '/[^/]*$', '/*') ELSE resource END
    AS resource,
  count_if(coalesce(errorcode, '') = '') AS calls,
  count_if(coalesce(errorcode, '') <> '') AS errors,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen,
  json_format(CAST(slice(array_sort(array_distinct(array_agg(useragent) FILTER (WHERE useragent IS NOT NULL))), 1, 5) AS JSON))
    AS user_agents
FROM resolved
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
ORDER BY day
