-- The session triggers of 0004, rewritten so that only initialize messages
-- are parsed as JSON (CASE conditions stop at the first false test; 0004
-- validated every body that had a session, a full parse of each large tool
-- result). Same behaviour otherwise.
DROP TRIGGER `messages_sessions_insert`;
--> statement-breakpoint
DROP TRIGGER `messages_sessions_assign`;
--> statement-breakpoint
CREATE TRIGGER `messages_sessions_insert` AFTER INSERT ON `messages` WHEN new.session_id IS NOT NULL BEGIN
  INSERT INTO `sessions` (server, session_id, first_id, last_id, message_count, error_count,
      client_name, client_version, protocol_version, server_name, server_version)
    VALUES (new.server, new.session_id, new.id, new.id, 1, new.is_error,
      CASE WHEN new.method = 'initialize' AND new.kind = 'request' AND json_valid(new.body) THEN json_extract(new.body, '$.params.clientInfo.name') END,
      CASE WHEN new.method = 'initialize' AND new.kind = 'request' AND json_valid(new.body) THEN json_extract(new.body, '$.params.clientInfo.version') END,
      CASE WHEN new.method <> 'initialize' OR NOT json_valid(new.body) THEN NULL
           WHEN new.kind = 'request' THEN json_extract(new.body, '$.params.protocolVersion')
           WHEN new.kind = 'response' THEN json_extract(new.body, '$.result.protocolVersion') END,
      CASE WHEN new.method = 'initialize' AND new.kind = 'response' AND json_valid(new.body) THEN json_extract(new.body, '$.result.serverInfo.name') END,
      CASE WHEN new.method = 'initialize' AND new.kind = 'response' AND json_valid(new.body) THEN json_extract(new.body, '$.result.serverInfo.version') END)
  ON CONFLICT (server, session_id) DO UPDATE SET
    first_id = min(first_id, excluded.first_id),
    last_id = max(last_id, excluded.last_id),
    message_count = message_count + 1,
    error_count = error_count + excluded.error_count,
    client_name = coalesce(excluded.client_name, client_name),
    client_version = coalesce(excluded.client_version, client_version),
    protocol_version = CASE WHEN new.kind = 'response'
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
    VALUES (new.server, new.session_id, new.id, new.id, 1, new.is_error,
      CASE WHEN new.method = 'initialize' AND new.kind = 'request' AND json_valid(new.body) THEN json_extract(new.body, '$.params.clientInfo.name') END,
      CASE WHEN new.method = 'initialize' AND new.kind = 'request' AND json_valid(new.body) THEN json_extract(new.body, '$.params.clientInfo.version') END,
      CASE WHEN new.method <> 'initialize' OR NOT json_valid(new.body) THEN NULL
           WHEN new.kind = 'request' THEN json_extract(new.body, '$.params.protocolVersion')
           WHEN new.kind = 'response' THEN json_extract(new.body, '$.result.protocolVersion') END,
      CASE WHEN new.method = 'initialize' AND new.kind = 'response' AND json_valid(new.body) THEN json_extract(new.body, '$.result.serverInfo.name') END,
      CASE WHEN new.method = 'initialize' AND new.kind = 'response' AND json_valid(new.body) THEN json_extract(new.body, '$.result.serverInfo.version') END)
  ON CONFLICT (server, session_id) DO UPDATE SET
    first_id = min(first_id, excluded.first_id),
    last_id = max(last_id, excluded.last_id),
    message_count = message_count + 1,
    error_count = error_count + excluded.error_count,
    client_name = coalesce(excluded.client_name, client_name),
    client_version = coalesce(excluded.client_version, client_version),
    protocol_version = CASE WHEN new.kind = 'response'
      THEN coalesce(excluded.protocol_version, protocol_version)
      ELSE coalesce(protocol_version, excluded.protocol_version) END,
    server_name = coalesce(excluded.server_name, server_name),
    server_version = coalesce(excluded.server_version, server_version);
END;
