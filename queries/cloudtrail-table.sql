CREATE EXTERNAL TABLE IF NOT EXISTS {{table}} (
{{columns}}
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
