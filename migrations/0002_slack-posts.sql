CREATE TABLE `slack_posts` (
	`incident_id` text PRIMARY KEY NOT NULL,
	`posted_at` integer NOT NULL,
	`last_count` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`posts` integer NOT NULL,
	`outcome` text NOT NULL
);
