import { describe, expect, it } from 'vitest';
import { parseExport } from './import.js';

const line = (httpStatus: unknown): string =>
  JSON.stringify({
    id: 1, timestamp: '2026-11-22T00:00:00.000Z', server: 'local', sessionId: 's', direction: 'server_to_client', kind: 'notification',
    method: 'notifications/message', jsonrpcId: null, pairedId: null, relatedId: null, durationMs: null, httpStatus,
    message: { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x' } }, size: 70,
  });

describe('an export line\'s HTTP status', () => {
  it('reads the 0 older versions wrote for a stdio process\'s own messages as none, and still refuses other values outside 100-599', () => {
    expect(parseExport(line(0))).toMatchObject({ errors: [], lines: [{ httpStatus: null }] });
    expect(parseExport(line(null))).toMatchObject({ errors: [], lines: [{ httpStatus: null }] });
    expect(parseExport(line(200))).toMatchObject({ errors: [], lines: [{ httpStatus: 200 }] });
    for (const bad of [1, 99, 600, 200.5, '200']) {
      expect(parseExport(line(bad)).errors, String(bad)).toEqual([expect.objectContaining({ line: 1, message: expect.stringContaining('httpStatus') })]);
    }
  });
});
