-- Copies each analysed denial's incident noise flag into denials.noise (0008), so stored noise stays hidden.
UPDATE `denials` SET `noise` = 1 WHERE `incident_id` IN (SELECT `id` FROM `incidents` WHERE `noise` = 1);
