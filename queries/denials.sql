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
  AND (
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
