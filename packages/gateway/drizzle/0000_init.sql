CREATE TABLE `exchanges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`server` text NOT NULL,
	`session_id` text,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`status` integer,
	`request_headers` text NOT NULL,
	`response_headers` text DEFAULT '{}' NOT NULL,
	`received_at` real NOT NULL,
	`upstream_first_byte_at` real,
	`done_at` real,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `exchanges_server_id` ON `exchanges` (`server`,`id`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`timestamp` integer NOT NULL,
	`server` text NOT NULL,
	`session_id` text,
	`direction` text NOT NULL,
	`kind` text NOT NULL,
	`method` text,
	`jsonrpc_id` text,
	`paired_id` integer,
	`duration_ms` real,
	`http_status` integer,
	`exchange_id` integer,
	`stream` text,
	`sse_event_id` text,
	`size` integer NOT NULL,
	`body` text NOT NULL,
	`truncated` integer DEFAULT false NOT NULL,
	`is_error` integer DEFAULT false NOT NULL,
	`redactions` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `messages_server_id` ON `messages` (`server`,`id`);--> statement-breakpoint
CREATE INDEX `messages_session_id` ON `messages` (`session_id`,`id`);--> statement-breakpoint
CREATE INDEX `messages_method_id` ON `messages` (`method`,`id`);--> statement-breakpoint
CREATE INDEX `messages_timestamp` ON `messages` (`timestamp`);--> statement-breakpoint
CREATE INDEX `messages_exchange` ON `messages` (`exchange_id`);