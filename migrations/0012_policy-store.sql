CREATE TABLE `policy_changes` (
	`event_id` text NOT NULL,
	`seq` integer NOT NULL,
	`at` integer NOT NULL,
	`event` text NOT NULL,
	`subject` text NOT NULL,
	`change` text NOT NULL,
	PRIMARY KEY(`event_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `policy_changes_time_idx` ON `policy_changes` (`at`,`event_id`,`seq`);--> statement-breakpoint
CREATE INDEX `policy_changes_subject_idx` ON `policy_changes` (`subject`,`at`);--> statement-breakpoint
CREATE TABLE `policy_imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`ref` text NOT NULL,
	`captured_at` integer NOT NULL,
	`imported_at` integer NOT NULL,
	`content_hash` text NOT NULL,
	`snapshot` text NOT NULL,
	`problems` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `policy_imports_content_idx` ON `policy_imports` (`kind`,`subject`,`content_hash`);--> statement-breakpoint
CREATE INDEX `policy_imports_time_idx` ON `policy_imports` (`captured_at`,`id`);--> statement-breakpoint
CREATE TABLE `stage_cursors` (
	`stage` text PRIMARY KEY NOT NULL,
	`position` integer NOT NULL,
	`generation` integer NOT NULL
);
