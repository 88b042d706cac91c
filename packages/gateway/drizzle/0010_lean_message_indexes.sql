DROP INDEX `messages_direction_id`;--> statement-breakpoint
DROP INDEX `messages_session_id`;--> statement-breakpoint
DROP INDEX `messages_related`;--> statement-breakpoint
DROP INDEX `messages_status_id`;--> statement-breakpoint
DROP INDEX `messages_jsonrpc_id`;--> statement-breakpoint
DROP INDEX `messages_stats`;--> statement-breakpoint
CREATE INDEX `messages_session_id` ON `messages` (`session_id`,`id`) WHERE "messages"."session_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_related` ON `messages` (`related_id`) WHERE "messages"."related_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_status_id` ON `messages` (`http_status`,`id`) WHERE "messages"."http_status" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_jsonrpc_id` ON `messages` (`jsonrpc_id`,`id`) WHERE "messages"."jsonrpc_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_stats` ON `messages` (`server`,`method`,`timestamp`,`duration_ms`,`is_error`,`size`);