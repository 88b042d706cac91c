// A collector that is down, refuses (500) or hangs must never slow or break
// proxied traffic, nor cost the recording anything: spans are lost (counted),
// messages are not.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestGateway } from '../test-support/gateway.js';
import { connect, startOtelGateway } from '../test-support/otel-gateway.js';
import { startOtlpReceiver, type OtlpReceiver } from '../test-support/otlp-receiver.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';
import type { GatewayHealth } from '../types.js';

const CALLS = 60;
// A queue of 8 spans, so a collector that does not take them shows drops within one test.
const ENV = { OTEL_BSP_MAX_QUEUE_SIZE: '8', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4', OTEL_EXPORTER_OTLP_TIMEOUT: '300' };

async function health(gateway: TestGateway): Promise<GatewayHealth> {
  return (await (await gateway.api('/health')).json()) as GatewayHealth;
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a collector that is down, refusing or hanging', () => {
  let upstream: TestUpstream;
  let receiver: OtlpReceiver;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    upstream = await startUpstream();
    for (const [name, value] of Object.entries(ENV)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await upstream.close();
  });

  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });

  afterEach(async () => {
    await receiver.close().catch(() => undefined);
  });

  for (const mode of ['down', 'refuse', 'hang'] as const) {
    it(`${mode}: every proxied call succeeds, every message is stored, and the loss shows in /api/health`, async () => {
      let endpoint = receiver.url;
      if (mode === 'down') {
        await receiver.close();
        endpoint = `http://127.0.0.1:${receiver.port}`;
      } else receiver.mode = mode;
      const gateway = await startOtelGateway({ up: { url: upstream.url } }, { endpoint, scheduleDelayMs: 20, metricExportIntervalMs: 200 });
      try {
        const { client, transport } = await connect(`${gateway.url}/s/up/mcp`);
        const texts: string[] = [];
        const durations: number[] = [];
        for (let i = 0; i < CALLS; i++) {
          const started = performance.now();
          const result = await client.callTool({ name: 'echo', arguments: { text: `call ${i}` } });
          durations.push(performance.now() - started);
          texts.push((result.content as Array<{ text: string }>)[0]?.text ?? '');
        }
        expect(texts).toEqual(Array.from({ length: CALLS }, (_, i) => `call ${i}`));
        // A call that waited on the collector would take at least its 300 ms export timeout; a proxied echo takes a few ms.
        const median = [...durations].sort((a, b) => a - b)[Math.floor(CALLS / 2)] ?? Infinity;
        expect(median).toBeLessThan(150);
        await transport.terminateSession();
        await client.close();

        const rows = gateway.messages();
        const calls = rows.filter((r) => r.method === 'tools/call');
        expect(calls.filter((r) => r.kind === 'request')).toHaveLength(CALLS);
        expect(calls.filter((r) => r.kind === 'response')).toHaveLength(CALLS);

        // CALLS + initialize + tools/list-free session: at least CALLS spans were offered; none reached a collector.
        await until(async () => {
          const { otel } = await health(gateway);
          return otel.dropped + otel.failed >= CALLS;
        });
        const { otel, status } = await health(gateway);
        expect(status).toBe('ok');
        expect(otel).toMatchObject({ enabled: true, exported: 0 });
        if (mode === 'hang') expect(otel.dropped).toBeGreaterThan(0);
        else expect(otel.lastError).toMatch(/traces:/);
        expect(receiver.spans).toHaveLength(0);
      } finally {
        // Shutdown gives up on a hung collector instead of waiting for it.
        const stopping = performance.now();
        await gateway.stop();
        expect(performance.now() - stopping).toBeLessThan(6000);
      }
    });
  }

  it('recovers once the collector takes spans again', async () => {
    receiver.mode = 'refuse';
    const gateway = await startOtelGateway({ up: { url: upstream.url } }, { endpoint: receiver.url, scheduleDelayMs: 20, metricExportIntervalMs: 200 });
    try {
      const { client } = await connect(`${gateway.url}/s/up/mcp`);
      await client.callTool({ name: 'echo', arguments: { text: 'refused' } });
      await until(async () => (await health(gateway)).otel.failed > 0);
      receiver.mode = 'ok';
      await client.callTool({ name: 'echo', arguments: { text: 'accepted' } });
      await until(async () => receiver.named('tools/call echo').length > 0);
      await until(async () => (await health(gateway)).otel.exported > 0);
      await client.close();
    } finally {
      await gateway.stop();
    }
  });
});
