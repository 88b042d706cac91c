-- Keeps `sessions` in step with `messages` in the same transaction as every
-- write, whoever makes it (the writer, an import, a clear). A message joins
-- its session when it is inserted with a session id, or later when the writer
-- annotates an initialize request with the id the upstream assigned.
-- Client name and version come from the initialize request; protocol version
-- from the initialize result (what was agreed), else from the request; server
-- name and version from the result. json_valid guards bodies that are not JSON
-- (invalid or truncated messages) so a trigger can never fail a write.
CREATE TRIGGER `messages_sessions_insert` AFTER INSERT ON `messages` WHEN new.session_id IS NOT NULL BEGIN
  INSERT INTO `sessions` (server, session_id, first_id, last_id, message_count, error_count,
      client_name, client_version, protocol_version, server_name, server_version)
    SELECT new.server, new.session_id, new.id, new.id, 1, new.is_error,
      CASE WHEN is_init AND new.kind = 'request' THEN json_extract(new.body, '$.params.clientInfo.name') END,
      CASE WHEN is_init AND new.kind = 'request' THEN json_extract(new.body, '$.params.clientInfo.version') END,
      CASE WHEN is_init AND new.kind = 'request' THEN json_extract(new.body, '$.params.protocolVersion')
           WHEN is_init AND new.kind = 'response' THEN json_extract(new.body, '$.result.protocolVersion') END,
      CASE WHEN is_init AND new.kind = 'response' THEN json_extract(new.body, '$.result.serverInfo.name') END,
      CASE WHEN is_init AND new.kind = 'response' THEN json_extract(new.body, '$.result.serverInfo.version') END
    FROM (SELECT new.method = 'initialize' AND json_valid(new.body) AS is_init) WHERE true
  ON CONFLICT (server, session_id) DO UPDATE SET
    first_id = min(first_id, excluded.first_id),
    last_id = max(last_id, excluded.last_id),
    message_count = message_count + 1,
    error_count = error_count + excluded.error_count,
    client_name = coalesce(excluded.client_name, client_name),
    client_version = coalesce(excluded.client_version, client_version),
    protocol_version = CASE WHEN excluded.server_name IS NOT NULL OR new.kind = 'response'
      THEN coalesce(excluded.protocol_version, protocol_version)
      ELSE coalesce(protocol_version, excluded.protocol_version) END,
    server_name = coalesce(excluded.server_name, server_name),
    server_version = coalesce(excluded.server_version, server_version);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_sessions_assign` AFTER UPDATE OF session_id ON `messages`
    WHEN old.session_id IS NULL AND new.session_id IS NOT NULL BEGIN
  INSERT INTO `sessions` (server, session_id, first_id, last_id, message_count, error_count,
      client_name, client_version, protocol_version, server_name, server_version)
    SELECT new.server, new.session_id, new.id, new.id, 1, new.is_error,
      CASE WHEN is_init AND new.kind = 'request' THEN json_extract(new.body, '$.params.clientInfo.name') END,
      CASE WHEN is_init AND new.kind = 'request' THEN json_extract(new.body, '$.params.clientInfo.version') END,
      CASE WHEN is_init AND new.kind = 'request' THEN json_extract(new.body, '$.params.protocolVersion')
           WHEN is_init AND new.kind = 'response' THEN json_extract(new.body, '$.result.protocolVersion') END,
      CASE WHEN is_init AND new.kind = 'response' THEN json_extract(new.body, '$.result.serverInfo.name') END,
      CASE WHEN is_init AND new.kind = 'response' THEN json_extract(new.body, '$.result.serverInfo.version') END
    FROM (SELECT new.method = 'initialize' AND json_valid(new.body) AS is_init) WHERE true
  ON CONFLICT (server, session_id) DO UPDATE SET
    first_id = min(first_id, excluded.first_id),
    last_id = max(last_id, excluded.last_id),
    message_count = message_count + 1,
    error_count = error_count + excluded.error_count,
    client_name = coalesce(excluded.client_name, client_name),
    client_version = coalesce(excluded.client_version, client_version),
    protocol_version = CASE WHEN excluded.server_name IS NOT NULL OR new.kind = 'response'
      THEN coalesce(excluded.protocol_version, protocol_version)
      ELSE coalesce(protocol_version, excluded.protocol_version) END,
    server_name = coalesce(excluded.server_name, server_name),
    server_version = coalesce(excluded.server_version, server_version);
END;
--> statement-breakpoint
-- A deleted message leaves its session; a session with no messages left goes.
-- first_id/last_id move to the oldest/newest message still there (one probe of
-- messages_session_id, only when the deleted row was the first or the last).
CREATE TRIGGER `messages_sessions_delete` AFTER DELETE ON `messages` WHEN old.session_id IS NOT NULL BEGIN
  UPDATE `sessions` SET
    message_count = message_count - 1,
    error_count = error_count - old.is_error,
    first_id = CASE WHEN first_id = old.id
      THEN coalesce((SELECT min(id) FROM messages WHERE session_id = old.session_id AND server = old.server), first_id)
      ELSE first_id END,
    last_id = CASE WHEN last_id = old.id
      THEN coalesce((SELECT max(id) FROM messages WHERE session_id = old.session_id AND server = old.server), last_id)
      ELSE last_id END
  WHERE server = old.server AND session_id = old.session_id;
  DELETE FROM `sessions` WHERE server = old.server AND session_id = old.session_id AND message_count <= 0;
END;
--> statement-breakpoint
-- Sessions of what an older database already holds.
INSERT INTO `sessions` (server, session_id, first_id, last_id, message_count, error_count)
  SELECT server, session_id, min(id), max(id), count(*), sum(is_error) FROM messages
  WHERE session_id IS NOT NULL GROUP BY server, session_id;
--> statement-breakpoint
UPDATE `sessions` SET
  client_name = (SELECT json_extract(body, '$.params.clientInfo.name') FROM messages m
    WHERE m.session_id = sessions.session_id AND m.server = sessions.server AND m.method = 'initialize' AND m.kind = 'request' AND json_valid(m.body) ORDER BY m.id LIMIT 1),
  client_version = (SELECT json_extract(body, '$.params.clientInfo.version') FROM messages m
    WHERE m.session_id = sessions.session_id AND m.server = sessions.server AND m.method = 'initialize' AND m.kind = 'request' AND json_valid(m.body) ORDER BY m.id LIMIT 1),
  protocol_version = coalesce(
    (SELECT json_extract(body, '$.result.protocolVersion') FROM messages m
      WHERE m.session_id = sessions.session_id AND m.server = sessions.server AND m.method = 'initialize' AND m.kind = 'response' AND json_valid(m.body) ORDER BY m.id LIMIT 1),
    (SELECT json_extract(body, '$.params.protocolVersion') FROM messages m
      WHERE m.session_id = sessions.session_id AND m.server = sessions.server AND m.method = 'initialize' AND m.kind = 'request' AND json_valid(m.body) ORDER BY m.id LIMIT 1)),
  server_name = (SELECT json_extract(body, '$.result.serverInfo.name') FROM messages m
    WHERE m.session_id = sessions.session_id AND m.server = sessions.server AND m.method = 'initialize' AND m.kind = 'response' AND json_valid(m.body) ORDER BY m.id LIMIT 1),
  server_version = (SELECT json_extract(body, '$.result.serverInfo.version') FROM messages m
    WHERE m.session_id = sessions.session_id AND m.server = sessions.server AND m.method = 'initialize' AND m.kind = 'response' AND json_valid(m.body) ORDER BY m.id LIMIT 1);
