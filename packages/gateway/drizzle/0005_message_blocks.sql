CREATE TABLE `message_blocks` (
	`block` integer PRIMARY KEY NOT NULL,
	`min_timestamp` integer NOT NULL,
	`max_timestamp` integer NOT NULL
);
