-- Full-text search over the stored (already redacted) message bodies, for
-- GET /api/messages?q=. External content: the index holds only the tokens and
-- reads text back from messages.body. columnsize=0: no ranking, so no per-row
-- sizes to keep. The triggers keep it in step with every insert and delete;
-- the writer's later updates (pairing, HTTP status, session) never touch body,
-- so they cost the index nothing.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(body, content='messages', content_rowid='id', columnsize=0);
--> statement-breakpoint
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages` BEGIN
  INSERT INTO `messages_fts` (rowid, body) VALUES (new.id, new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages` BEGIN
  INSERT INTO `messages_fts` (`messages_fts`, rowid, body) VALUES ('delete', old.id, old.body);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF body ON `messages` BEGIN
  INSERT INTO `messages_fts` (`messages_fts`, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO `messages_fts` (rowid, body) VALUES (new.id, new.body);
END;
--> statement-breakpoint
-- Index what an older database already holds.
INSERT INTO `messages_fts` (`messages_fts`) VALUES ('rebuild');
