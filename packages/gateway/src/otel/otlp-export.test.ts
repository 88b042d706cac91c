// The offline export: the same spans as the live one, in OTLP JSON a receiver accepts.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/db.js';
import { eventually, type TestGateway } from '../test-support/gateway.js';
import { connect, startOtelGateway } from '../test-support/otel-gateway.js';
import { startOtlpReceiver, type OtlpReceiver } from '../test-support/otlp-receiver.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';
import { signalUrl } from './config.js';
import { otlpTraceLines, spansInLine } from './otlp-export.js';

describe('OTLP JSON export of recorded traffic', () => {
  let live: OtlpReceiver;
  let offline: OtlpReceiver;
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let lines: string[];

  beforeAll(async () => {
    live = await startOtlpReceiver();
    offline = await startOtlpReceiver();
    upstream = await startUpstream();
    gateway = await startOtelGateway({ up: { url: upstream.url } }, { endpoint: live.url, scheduleDelayMs: 20 });
    const { client } = await connect(`${gateway.url}/s/up/mcp`);
    await client.callTool({ name: 'echo', arguments: { text: 'one' } });
    await client.callTool({ name: 'progress', arguments: { steps: 2 } }, undefined, { onprogress: () => undefined });
    await client.callTool({ name: 'fail', arguments: {} });
    await client.close();
    // initialize, tools/call x3 (the SDK client lists no tools first).
    await eventually(() => live.spans.length >= 4, 10_000);
    const { sqlite } = openDatabase(join(gateway.home, 'logs.db'), { readonly: true });
    try {
      lines = [...otlpTraceLines(sqlite, { server: 'up' }, { version: 'test', server: () => ({ transport: 'http', url: upstream.url }), captureContent: false, spansPerLine: 2 })];
    } finally {
      sqlite.close();
    }
  });

  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
    await live.close();
    await offline.close();
  });

  it('writes one ExportTraceServiceRequest per line that a collector accepts', async () => {
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      expect(line.endsWith('\n')).toBe(true);
      const response = await fetch(signalUrl(offline.url, 'traces'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: line });
      expect(response.status).toBe(200);
    }
    expect(offline.spans).toHaveLength(lines.reduce((n, l) => n + spansInLine(l), 0));
  });

  it('has exactly the spans the live export sent: same ids, names, parents, times and events', () => {
    const key = (s: (typeof live.spans)[number]) => JSON.stringify([s.traceId, s.spanId, s.parentSpanId, s.name, s.kind, String(s.startNs), String(s.endNs), s.status.code, s.events.map((e) => e.name)]);
    expect(offline.spans.map(key).sort()).toEqual(live.spans.map(key).sort());
    const progress = offline.named('tools/call progress')[0];
    expect(progress?.events.filter((e) => e.name === 'notifications/progress')).toHaveLength(2);
  });
});
