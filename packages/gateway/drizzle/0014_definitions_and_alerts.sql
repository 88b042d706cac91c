CREATE TABLE `alert_sightings` (
	`alert_id` integer NOT NULL,
	`message_id` integer NOT NULL,
	`session_id` text,
	`timestamp` integer NOT NULL,
	PRIMARY KEY(`alert_id`, `message_id`)
);
--> statement-breakpoint
CREATE INDEX `alert_sightings_message` ON `alert_sightings` (`message_id`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY NOT NULL,
	`dedup_key` text NOT NULL,
	`kind` text NOT NULL,
	`rule` text NOT NULL,
	`severity` text NOT NULL,
	`server` text NOT NULL,
	`session_id` text,
	`message_id` integer,
	`path` text,
	`match_text` text,
	`match_start` integer,
	`match_end` integer,
	`decoded` text,
	`before` text,
	`after` text,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`seen` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_dedup_key_unique` ON `alerts` (`dedup_key`);--> statement-breakpoint
CREATE INDEX `alerts_server_id` ON `alerts` (`server`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_last_seen` ON `alerts` (`last_seen`);--> statement-breakpoint
CREATE TABLE `analysis_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `definition_baselines` (
	`server` text NOT NULL,
	`kind` text NOT NULL,
	`set_hash` text NOT NULL,
	`accepted_at` integer NOT NULL,
	`source` text NOT NULL,
	`session_id` text,
	`message_id` integer,
	PRIMARY KEY(`server`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `definition_sets` (
	`hash` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`entries` text NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `definition_snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`timestamp` integer NOT NULL,
	`server` text NOT NULL,
	`session_id` text,
	`client_name` text,
	`client_version` text,
	`server_version` text,
	`kind` text NOT NULL,
	`set_hash` text NOT NULL,
	`message_id` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `definition_snapshots_server` ON `definition_snapshots` (`server`,`kind`,`id`);