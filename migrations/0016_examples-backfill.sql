-- A database that holds nothing but the bundled example trail (every stored denial and evidence event came from the
-- 'examples' source, and there is at least one) had its aggregates and ledger written before they carried the
-- examples flag: they are all the examples'. A database that already mixes them with real data keeps 0 (they cannot
-- be told apart after the fact): `deniedby examples remove` then leaves those aggregates (docs/operations.md).
CREATE TEMP TABLE `examples_only` AS SELECT
  EXISTS (SELECT 1 FROM `evidence_events` WHERE `source` = 'examples')
  AND NOT EXISTS (SELECT 1 FROM `evidence_events` WHERE `source` <> 'examples')
  AND NOT EXISTS (SELECT 1 FROM `denials` WHERE `source` <> 'examples')
  AND NOT EXISTS (SELECT 1 FROM `ecs_credential_requests`) AS `only`;
--> statement-breakpoint
UPDATE `usage_daily` SET `examples` = 1 WHERE (SELECT `only` FROM temp.`examples_only`);
--> statement-breakpoint
UPDATE `role_sessions` SET `examples` = 1 WHERE (SELECT `only` FROM temp.`examples_only`);
--> statement-breakpoint
UPDATE `ingested_events` SET `examples` = 1 WHERE (SELECT `only` FROM temp.`examples_only`);
--> statement-breakpoint
-- The marker a database holding the examples carries from now on (written when they are loaded).
INSERT OR IGNORE INTO `source_checkpoints` (`source`, `key`, `value`)
  SELECT 'examples', 'loaded', '' WHERE EXISTS (SELECT 1 FROM `evidence_events` WHERE `source` = 'examples')
    OR EXISTS (SELECT 1 FROM `denials` WHERE `source` = 'examples');
--> statement-breakpoint
DROP TABLE temp.`examples_only`;
