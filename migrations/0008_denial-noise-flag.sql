DROP INDEX `denials_role_time_idx`;--> statement-breakpoint
DROP INDEX `denials_account_time_idx`;--> statement-breakpoint
DROP INDEX `denials_action_time_idx`;--> statement-breakpoint
DROP INDEX `denials_incident_time_idx`;--> statement-breakpoint
ALTER TABLE `denials` ADD `noise` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `denials_role_time_idx` ON `denials` (`role_arn`,`event_time`,`event_id`);--> statement-breakpoint
CREATE INDEX `denials_account_time_idx` ON `denials` (`account_id`,`event_time`,`event_id`);--> statement-breakpoint
CREATE INDEX `denials_action_time_idx` ON `denials` (`action`,`event_time`,`event_id`);--> statement-breakpoint
CREATE INDEX `denials_incident_time_idx` ON `denials` (`incident_id`,`event_time`,`event_id`);