-- evidence_events only ever gains rows; a reader that caches them reads new rowids only. Updates and deletes (none
-- of ours; a person's SQL) move this generation on, so such a reader starts over. No insert trigger: ingest stays
-- as fast as before.
INSERT INTO `table_generations` (`table_name`, `generation`) VALUES ('evidence_events', 0);
--> statement-breakpoint
CREATE TRIGGER `evidence_events_generation_update` AFTER UPDATE ON `evidence_events` BEGIN
	UPDATE `table_generations` SET `generation` = `generation` + 1 WHERE `table_name` = 'evidence_events';
END;
--> statement-breakpoint
CREATE TRIGGER `evidence_events_generation_delete` AFTER DELETE ON `evidence_events` BEGIN
	UPDATE `table_generations` SET `generation` = `generation` + 1 WHERE `table_name` = 'evidence_events';
END;
