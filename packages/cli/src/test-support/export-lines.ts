import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes a JSONL export of `count` notifications recorded at `timestamp` (for imports with times of our choosing); returns the file. */
export function writeExport(dir: string, name: string, count: number, timestamp: number, server = 'imported'): string {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      id: i + 1,
      timestamp: new Date(timestamp).toISOString(),
      server,
      sessionId: null,
      direction: 'client_to_server',
      kind: 'notification',
      method: 'notifications/message',
      jsonrpcId: null,
      pairedId: null,
      durationMs: null,
      httpStatus: null,
      message: { jsonrpc: '2.0', method: 'notifications/message', params: { n: i } },
      size: 60,
    }),
  );
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
