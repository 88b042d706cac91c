-- Keeps the zone map of messages (see schema.ts: message_blocks) on every insert.
CREATE TRIGGER `messages_blocks_insert` AFTER INSERT ON `messages` BEGIN
  INSERT INTO `message_blocks` (block, min_timestamp, max_timestamp) VALUES (new.id >> 10, new.timestamp, new.timestamp)
  ON CONFLICT (block) DO UPDATE SET
    min_timestamp = min(min_timestamp, excluded.min_timestamp),
    max_timestamp = max(max_timestamp, excluded.max_timestamp);
END;
--> statement-breakpoint
-- Blocks of what an older database already holds.
INSERT INTO `message_blocks` (block, min_timestamp, max_timestamp)
  SELECT id >> 10, min(timestamp), max(timestamp) FROM messages GROUP BY id >> 10;
