ALTER TABLE `messages` ADD `injected` text;--> statement-breakpoint
CREATE INDEX `messages_injected` ON `messages` (`injected`,`id`) WHERE "messages"."injected" IS NOT NULL;