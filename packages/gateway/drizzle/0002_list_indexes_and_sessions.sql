CREATE TABLE `sessions` (
	`server` text NOT NULL,
	`session_id` text NOT NULL,
	`first_id` integer NOT NULL,
	`last_id` integer NOT NULL,
	`message_count` integer DEFAULT 0 NOT NULL,
	`error_count` integer DEFAULT 0 NOT NULL,
	`client_name` text,
	`client_version` text,
	`protocol_version` text,
	`server_name` text,
	`server_version` text,
	PRIMARY KEY(`server`, `session_id`)
);
--> statement-breakpoint
CREATE INDEX `sessions_last_id` ON `sessions` (`last_id`);--> statement-breakpoint
CREATE INDEX `messages_kind_id` ON `messages` (`kind`,`id`);--> statement-breakpoint
CREATE INDEX `messages_direction_id` ON `messages` (`direction`,`id`);--> statement-breakpoint
CREATE INDEX `messages_status_id` ON `messages` (`http_status`,`id`);--> statement-breakpoint
CREATE INDEX `messages_jsonrpc_id` ON `messages` (`jsonrpc_id`,`id`);--> statement-breakpoint
CREATE INDEX `messages_errors` ON `messages` (`id`) WHERE "messages"."is_error" = 1;--> statement-breakpoint
CREATE INDEX `messages_duration` ON `messages` (`duration_ms`) WHERE "messages"."duration_ms" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_stats` ON `messages` (`server`,`method`,`duration_ms`,`timestamp`,`is_error`,`size`);