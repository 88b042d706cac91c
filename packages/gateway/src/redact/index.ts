// Redaction of the stored copy of traffic (redaction.md). Forwarded bytes are
// never passed through here.
export { createRedactor, DEFAULT_MAX_SCAN_CHARS, METADATA_ONLY_BODY, TOO_DEEP_BODY } from './redactor.js';
export { marker } from './ranges.js';
export type { ExtraPattern, Redacted, RedactionMode, Redactor, RedactorOptions } from './types.js';
