ALTER TABLE `messages` ADD `origin` text DEFAULT 'client' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `replay_of` integer;--> statement-breakpoint
CREATE INDEX `messages_replay` ON `messages` (`id`) WHERE "messages"."origin" = 'replay';--> statement-breakpoint
CREATE INDEX `messages_replay_of` ON `messages` (`replay_of`) WHERE "messages"."replay_of" IS NOT NULL;