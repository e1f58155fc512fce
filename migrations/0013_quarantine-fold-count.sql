ALTER TABLE `quarantine` ADD `count` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `quarantine` ADD `records` integer;