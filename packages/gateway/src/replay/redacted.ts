import { formatPath, type PathStep } from '../replay-shared/index.js';

// The marker the redactor writes (redact/ranges.ts): `[REDACTED:<rule id>]`.
const MARKER = /\[REDACTED:[A-Za-z0-9._-]+\]/;

/**
 * JSON paths (below `$`, the params) of every string that holds a redaction
 * marker. A stored copy with any cannot be sent as it is: the marker would
 * reach the upstream in place of the secret.
 */
export function redactedPaths(value: unknown, path: PathStep[] = []): string[] {
  if (typeof value === 'string') return MARKER.test(value) ? [formatPath(path)] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => redactedPaths(item, [...path, index]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => {
      const keyPath = [...path, key];
      // A masked key would be sent as that key, which is as wrong as a masked value.
      return [...(MARKER.test(key) ? [formatPath(keyPath)] : []), ...redactedPaths(item, keyPath)];
    });
  }
  return [];
}
