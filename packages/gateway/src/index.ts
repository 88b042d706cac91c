// The gateway's library surface, used by the CLI and by tests.
export { startGateway, GatewayStartError, type RunningGateway, type StartOptions } from './server.js';
export { resolveHome, ensurePrivateHome, homePaths, type HomePaths } from './home/home.js';
export { findRunningGateway, readRuntimeFile, processAlive, type RuntimeInfo } from './home/runtime.js';
export { readRegistry, RegistryError } from './registry/file.js';
export { putServer, deleteServer, validateEntry, resolveServers, RegistryInputError, type ResolvedServer } from './registry/registry.js';
export { SERVER_NAME_PATTERN, transportOf, type ServerEntry } from './registry/schema.js';
export { openDatabase } from './store/db.js';
export { iterateMessages, toExportLine, clearMessages, countMessages, type MessageFilter } from './store/queries.js';
export { MessageQueries } from './store/message-queries.js';
export { parseExport, insertImport, type LineError } from './store/import.js';
export { highestId } from './store/writer.js';
export { harChunks, type HarOptions } from './api/har.js';
export { UpstreamHealth } from './api/upstream-health.js';
export { readEventStream, type StreamEvent } from './publish/event-reader.js';
export { MAX_IMPORT_BYTES } from './api/import.js';
export { serverView } from './api/views.js';
export { VERSION } from './version.js';
export type * from './types.js';
