-- Moves each denial's raw record into denial_raw before the column is dropped (0005), so no record is lost.
INSERT OR IGNORE INTO `denial_raw` (`event_id`, `raw`) SELECT `event_id`, `raw` FROM `denials`;
