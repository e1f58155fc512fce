CREATE TABLE `ecs_tasks` (
	`task_id` text PRIMARY KEY NOT NULL,
	`task_arn` text NOT NULL,
	`cluster` text,
	`family` text,
	`revision` integer,
	`service` text,
	`launched_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ecs_tasks_family_idx` ON `ecs_tasks` (`family`,`revision`);--> statement-breakpoint
CREATE INDEX `ecs_tasks_service_idx` ON `ecs_tasks` (`service`);--> statement-breakpoint
CREATE INDEX `ecs_tasks_cluster_idx` ON `ecs_tasks` (`cluster`);--> statement-breakpoint
CREATE INDEX `denials_session_time_idx` ON `denials` (`session_name`,`event_time`,`event_id`);--> statement-breakpoint
CREATE INDEX `ecs_credential_requests_cluster_idx` ON `ecs_credential_requests` (`cluster`,`task_id`);