-- The search index, sessions and zone map are kept for inserts once per batch
-- by whoever inserts (store/derived.ts: the batch writer, an import), not by
-- per-row triggers. Why: FTS5 flushes its pending terms at every statement
-- savepoint, and an INSERT that fires triggers opens one, so the FTS trigger
-- wrote one segment (and paid FTS5's merge work) per message; one INSERT ...
-- SELECT per batch writes one. Sessions and blocks become one upsert per
-- session and per block touched by a batch. The delete triggers (clear,
-- retention), messages_fts_update and messages_sessions_assign (an initialize
-- request joining the session the upstream assigned, in a later batch) stay.
DROP TRIGGER `messages_fts_insert`;
--> statement-breakpoint
DROP TRIGGER `messages_sessions_insert`;
--> statement-breakpoint
DROP TRIGGER `messages_blocks_insert`;
--> statement-breakpoint
-- Merge FTS5 segments 8 at a time instead of 4: each token is rewritten about
-- a third fewer times as segments grow (log8 instead of log4 of the index
-- size), for a few more segments for a query to read. Stored in the index's
-- config table, so it holds for every connection.
INSERT INTO `messages_fts` (`messages_fts`, rank) VALUES ('automerge', 8);
