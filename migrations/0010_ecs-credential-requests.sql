CREATE TABLE `ecs_credential_requests` (
	`request_key` blob PRIMARY KEY NOT NULL,
	`time` integer NOT NULL,
	`status` integer NOT NULL,
	`caller_address` text,
	`uri` text NOT NULL,
	`caller_agent` text,
	`task_arn` text,
	`task_id` text,
	`role_type` text NOT NULL,
	`cluster` text,
	`container_instance_arn` text,
	`source` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ecs_credential_requests_task_idx` ON `ecs_credential_requests` (`task_id`,`time`);