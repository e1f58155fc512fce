CREATE TABLE `denial_raw` (
	`event_id` text PRIMARY KEY NOT NULL,
	`raw` text NOT NULL
);
