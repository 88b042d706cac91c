CREATE TABLE `audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`timestamp` integer NOT NULL,
	`event` text NOT NULL,
	`subject` text,
	`detail` text DEFAULT '{}' NOT NULL,
	`source` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_event_id` ON `audit` (`event`,`id`);