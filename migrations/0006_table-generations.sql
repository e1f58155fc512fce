CREATE TABLE `table_generations` (
	`table_name` text PRIMARY KEY NOT NULL,
	`generation` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `table_generations` (`table_name`, `generation`) VALUES ('role_catalog', 0);
--> statement-breakpoint
-- Every row written to or deleted from role_catalog, by anyone, moves its generation on.
CREATE TRIGGER `role_catalog_generation_insert` AFTER INSERT ON `role_catalog` BEGIN
	UPDATE `table_generations` SET `generation` = `generation` + 1 WHERE `table_name` = 'role_catalog';
END;
--> statement-breakpoint
CREATE TRIGGER `role_catalog_generation_update` AFTER UPDATE ON `role_catalog` BEGIN
	UPDATE `table_generations` SET `generation` = `generation` + 1 WHERE `table_name` = 'role_catalog';
END;
--> statement-breakpoint
CREATE TRIGGER `role_catalog_generation_delete` AFTER DELETE ON `role_catalog` BEGIN
	UPDATE `table_generations` SET `generation` = `generation` + 1 WHERE `table_name` = 'role_catalog';
END;
