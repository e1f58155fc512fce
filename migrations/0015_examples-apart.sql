PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_role_sessions` (
	`role_arn` text NOT NULL,
	`session_shape` text NOT NULL,
	`ec2_role_delivery` text NOT NULL,
	`federated_provider` text NOT NULL,
	`invoked_by` text NOT NULL,
	`sample_session` text NOT NULL,
	`calls` integer NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`examples` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`role_arn`, `session_shape`, `ec2_role_delivery`, `federated_provider`, `invoked_by`, `examples`)
);
--> statement-breakpoint
INSERT INTO `__new_role_sessions`("role_arn", "session_shape", "ec2_role_delivery", "federated_provider", "invoked_by", "sample_session", "calls", "first_seen", "last_seen", "examples") SELECT "role_arn", "session_shape", "ec2_role_delivery", "federated_provider", "invoked_by", "sample_session", "calls", "first_seen", "last_seen", 0 FROM `role_sessions`;--> statement-breakpoint
DROP TABLE `role_sessions`;--> statement-breakpoint
ALTER TABLE `__new_role_sessions` RENAME TO `role_sessions`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE TABLE `__new_usage_daily` (
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
	`examples` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `principal_arn`, `event_source`, `event_name`, `resource`, `examples`)
);
--> statement-breakpoint
INSERT INTO `__new_usage_daily`("day", "principal_arn", "principal_type", "role_arn", "account_id", "event_source", "event_name", "resource", "calls", "errors", "first_seen", "last_seen", "user_agents", "examples") SELECT "day", "principal_arn", "principal_type", "role_arn", "account_id", "event_source", "event_name", "resource", "calls", "errors", "first_seen", "last_seen", "user_agents", 0 FROM `usage_daily`;--> statement-breakpoint
DROP TABLE `usage_daily`;--> statement-breakpoint
ALTER TABLE `__new_usage_daily` RENAME TO `usage_daily`;--> statement-breakpoint
CREATE INDEX `usage_role_day_idx` ON `usage_daily` (`role_arn`,`day`);--> statement-breakpoint
ALTER TABLE `ingested_events` ADD `examples` integer DEFAULT 0 NOT NULL;