// OpenTelemetry export on against off: two gateway processes on the same
// upstream, one exporting every span and metric (OTLP/HTTP protobuf) to a
// local sink, calls alternated between them so machine noise lands on both.
// Export runs on its own thread from the committed store; this shows what it
// adds to a proxied call (nothing, within noise, is the target).
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Ctx } from '../lib/context.js';
import { connect, echo } from '../lib/client.js';
import { startGatewayProc, tempDir } from '../lib/procs.js';
import { delta } from '../lib/report.js';
import { summary } from '../lib/stats.js';

/** A collector that takes everything and decodes nothing: the cost measured is the gateway's. */
async function startSink(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests: () => requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function otel(ctx: Ctx): Promise<void> {
  const warm = ctx.options.quick ? 1000 : 3000;
  const calls = ctx.options.quick ? 1500 : 4000;
  const sink = await startSink();
  try {
    for (const mode of ['json', 'sse'] as const) {
      const servers = { up: { url: ctx.upstream.url(mode) } };
      const homes = { off: tempDir('home'), on: tempDir('home') };
      writeFileSync(join(homes.off, 'mcp.json'), JSON.stringify({ mcpServers: servers }), { mode: 0o600 });
      // Spans every second and metrics every 5 s, so exports happen throughout the run.
      const otelSection = { endpoint: sink.url, scheduleDelayMs: 1000, metricExportIntervalMs: 5000 };
      writeFileSync(join(homes.on, 'mcp.json'), JSON.stringify({ mcpServers: servers, otel: otelSection }), { mode: 0o600 });
      const off = await startGatewayProc({ home: homes.off });
      const on = await startGatewayProc({ home: homes.on });
      const clients = { off: await connect(off.proxyUrl('up')), on: await connect(on.proxyUrl('up')) };
      const times: Record<'off' | 'on', number[]> = { off: [], on: [] };
      try {
        for (let i = 0; i < warm; i++) {
          await echo(clients.off);
          await echo(clients.on);
        }
        for (let i = 0; i < calls; i++) {
          for (const side of i % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
            const t0 = performance.now();
            await echo(clients[side]);
            times[side].push(performance.now() - t0);
          }
        }
        const health = (await (await fetch(`${on.url}/api/health`, { headers: on.auth })).json()) as { otel: { exported: number; dropped: number; failed: number } };
        const a = summary(times.off);
        const b = summary(times.on);
        ctx.results.add({ section: 'otel', metric: `tools/call p50 (${mode}, n=${calls}), export off → on`, unit: 'ms', direct: a.p50, gateway: b.p50, compare: delta(b.p50, a.p50, 'ms'), target: 'added ≤ 0.1 ms', pass: b.p50 - a.p50 <= 0.1 });
        ctx.results.add({ section: 'otel', metric: `tools/call p99 (${mode}, n=${calls}), export off → on`, unit: 'ms', direct: a.p99, gateway: b.p99, compare: delta(b.p99, a.p99, 'ms'), target: '-', pass: null, note: 'p99 of one run moves by more than the export could add; see the spread across runs' });
        ctx.results.add({ section: 'otel', metric: `spans exported / dropped / failed (${mode})`, unit: '', direct: null, gateway: `${health.otel.exported} / ${health.otel.dropped} / ${health.otel.failed}`, compare: '', target: 'none dropped', pass: health.otel.dropped === 0 && health.otel.failed === 0 });
        ctx.results.detail(`otel-${mode}`, { off: a, on: b, otel: health.otel, sinkRequests: sink.requests() });
        ctx.log(`otel ${mode}: p50 off ${a.p50.toFixed(3)} on ${b.p50.toFixed(3)} | p99 off ${a.p99.toFixed(3)} on ${b.p99.toFixed(3)} ms; ${health.otel.exported} spans exported`);
      } finally {
        await clients.off.close();
        await clients.on.close();
        await off.stop();
        await on.stop();
      }
    }
  } finally {
    await sink.close();
  }
}
