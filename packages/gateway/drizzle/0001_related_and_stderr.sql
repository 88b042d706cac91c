CREATE TABLE `stderr_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`timestamp` integer NOT NULL,
	`server` text NOT NULL,
	`session_id` text,
	`line` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stderr_server_id` ON `stderr_lines` (`server`,`id`);--> statement-breakpoint
ALTER TABLE `messages` ADD `related_id` integer;--> statement-breakpoint
CREATE INDEX `messages_related` ON `messages` (`related_id`);