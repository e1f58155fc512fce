CREATE EXTERNAL TABLE IF NOT EXISTS {{table}} (
  eventversion STRING,
  useridentity STRUCT<
    type: STRING,
    principalid: STRING,
    arn: STRING,
    accountid: STRING,
    invokedby: STRING,
    accesskeyid: STRING,
    username: STRING,
    onbehalfof: STRUCT<userid: STRING, identitystorearn: STRING>,
    sessioncontext: STRUCT<
      attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>,
      sessionissuer: STRUCT<type: STRING, principalid: STRING, arn: STRING, accountid: STRING, username: STRING>,
      ec2roledelivery: STRING,
      webidfederationdata: STRUCT<federatedprovider: STRING, attributes: MAP<STRING, STRING>>
    >
  >,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  readonly STRING,
  resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>,
  eventtype STRING,
  apiversion STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  vpcendpointaccountid STRING,
  eventcategory STRING,
  addendum STRUCT<reason: STRING, updatedfields: STRING, originalrequestid: STRING, originaleventid: STRING>,
  sessioncredentialfromconsole STRING,
  edgedevicedetails STRING,
  tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING>
)
COMMENT 'CloudTrail trail of one account (deniedby), partition projection over account, region and delivery date'
PARTITIONED BY (p_account STRING, p_region STRING, p_date STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://{{bucket}}/{{prefix}}AWSLogs/{{account}}/CloudTrail/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.p_account.type' = 'enum',
  'projection.p_account.values' = '{{account}}',
  'projection.p_region.type' = 'enum',
  'projection.p_region.values' = '{{regions}}',
  'projection.p_date.type' = 'date',
  'projection.p_date.format' = 'yyyy/MM/dd',
  'projection.p_date.interval' = '1',
  'projection.p_date.interval.unit' = 'DAYS',
  'projection.p_date.range' = '{{start_date}},NOW',
  'storage.location.template' = 's3://{{bucket}}/{{prefix}}AWSLogs/${p_account}/CloudTrail/${p_region}/${p_date}'
)
