CREATE TABLE `denials` (
	`event_id` text PRIMARY KEY NOT NULL,
	`event_time` integer NOT NULL,
	`account_id` text NOT NULL,
	`region` text NOT NULL,
	`event_source` text NOT NULL,
	`event_name` text NOT NULL,
	`error_code` text NOT NULL,
	`error_message` text,
	`principal_type` text NOT NULL,
	`principal_arn` text NOT NULL,
	`role_arn` text,
	`session_name` text,
	`user_agent` text,
	`source_ip` text,
	`source` text NOT NULL,
	`raw` text NOT NULL,
	`action` text,
	`resource` text,
	`denied_by` text,
	`policy_arn` text,
	`incident_id` text
);
--> statement-breakpoint
CREATE INDEX `denials_time_idx` ON `denials` (`event_time`,`event_id`);--> statement-breakpoint
CREATE INDEX `denials_role_time_idx` ON `denials` (`role_arn`,`event_time`);--> statement-breakpoint
CREATE INDEX `denials_principal_time_idx` ON `denials` (`principal_arn`,`event_time`);--> statement-breakpoint
CREATE INDEX `denials_account_time_idx` ON `denials` (`account_id`,`event_time`);--> statement-breakpoint
CREATE INDEX `denials_action_time_idx` ON `denials` (`action`,`event_time`);--> statement-breakpoint
CREATE INDEX `denials_incident_time_idx` ON `denials` (`incident_id`,`event_time`);--> statement-breakpoint
CREATE TABLE `evidence_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`event_time` integer NOT NULL,
	`account_id` text NOT NULL,
	`region` text NOT NULL,
	`event_source` text NOT NULL,
	`event_name` text NOT NULL,
	`principal_arn` text NOT NULL,
	`role_arn` text,
	`source` text NOT NULL,
	`raw` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `evidence_name_time_idx` ON `evidence_events` (`event_name`,`event_time`);--> statement-breakpoint
CREATE INDEX `evidence_time_idx` ON `evidence_events` (`event_time`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`principal_arn` text NOT NULL,
	`role_arn` text,
	`account_id` text NOT NULL,
	`action` text NOT NULL,
	`resource_pattern` text NOT NULL,
	`denied_by` text NOT NULL,
	`policy_arn` text,
	`count` integer NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`latest_event_id` text NOT NULL,
	`sample_event_ids` text NOT NULL,
	`sessions` text NOT NULL,
	`noise` integer DEFAULT 0 NOT NULL,
	`noise_reason` text
);
--> statement-breakpoint
CREATE INDEX `incidents_last_seen_idx` ON `incidents` (`last_seen`);--> statement-breakpoint
CREATE INDEX `incidents_role_idx` ON `incidents` (`role_arn`);--> statement-breakpoint
CREATE TABLE `ingested_events` (
	`event_key` blob PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE `quarantine` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`location` text NOT NULL,
	`position` text NOT NULL,
	`reason` text NOT NULL,
	`detail` text NOT NULL,
	`raw` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `quarantine_place_idx` ON `quarantine` (`source`,`location`,`position`,`reason`);--> statement-breakpoint
CREATE TABLE `role_catalog` (
	`role_arn` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`role_name` text NOT NULL,
	`kind` text NOT NULL,
	`confidence` real NOT NULL,
	`kinds` text NOT NULL,
	`dual_use` integer NOT NULL,
	`first_seen` integer,
	`last_seen` integer
);
--> statement-breakpoint
CREATE INDEX `role_catalog_kind_idx` ON `role_catalog` (`kind`);--> statement-breakpoint
CREATE TABLE `role_sessions` (
	`role_arn` text NOT NULL,
	`session_shape` text NOT NULL,
	`ec2_role_delivery` text NOT NULL,
	`federated_provider` text NOT NULL,
	`invoked_by` text NOT NULL,
	`sample_session` text NOT NULL,
	`calls` integer NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	PRIMARY KEY(`role_arn`, `session_shape`, `ec2_role_delivery`, `federated_provider`, `invoked_by`)
);
--> statement-breakpoint
CREATE TABLE `source_checkpoints` (
	`source` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`source`, `key`)
);
--> statement-breakpoint
CREATE TABLE `source_files` (
	`path` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`mtime_ms` integer NOT NULL,
	`records` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `usage_daily` (
	`day` text NOT NULL,
	`principal_arn` text NOT NULL,
	`principal_type` text NOT NULL,
	`role_arn` text,
	`account_id` text NOT NULL,
	`event_source` text NOT NULL,
	`event_name` text NOT NULL,
	`resource` text NOT NULL,
	`calls` integer NOT NULL,
	`errors` integer NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`user_agents` text NOT NULL,
	PRIMARY KEY(`day`, `principal_arn`, `event_source`, `event_name`, `resource`)
);
--> statement-breakpoint
CREATE INDEX `usage_role_day_idx` ON `usage_daily` (`role_arn`,`day`);