// 4. A 50 MB tool result: wall time against direct, and the gateway's peak RSS.
// Its own gateway process, so the peak belongs to this section alone.
import { connect, type BenchClient } from '../lib/client.js';
import { SERVERS, type Ctx } from '../lib/context.js';
import { procMemory, resetPeakRss, startGatewayProc } from '../lib/procs.js';
import { ratio } from '../lib/report.js';
import { alternate, median, sleep } from '../lib/stats.js';

const BYTES = 50 * 1024 * 1024;

async function bigCall(c: BenchClient): Promise<number> {
  const t0 = performance.now();
  const result = await c.client.callTool({ name: 'big', arguments: { bytes: BYTES } }, undefined, { timeout: 120_000 });
  const ms = performance.now() - t0;
  const text = (result.content as Array<{ text?: string }>)[0]?.text ?? '';
  if (text.length !== BYTES) throw new Error(`big result came back with ${text.length} characters, expected ${BYTES}`);
  return ms;
}

export async function large(ctx: Ctx): Promise<void> {
  const rounds = ctx.options.quick ? 2 : 3;
  const details: Record<string, unknown> = { bytes: BYTES, rounds };
  for (const mode of ['json', 'sse'] as const) {
    // A fresh gateway per mode: the peak is this transfer's, not the previous one's leftovers.
    const gw = await startGatewayProc({ servers: SERVERS(ctx.upstream) });
    try {
      const direct = await connect(ctx.upstream.url(mode));
      const proxied = await connect(gw.proxyUrl(mode));
      // Warm both paths with one 50 MB call each (JIT, heap growth, the upstream builds its
      // string once); the peak counts from before the gateway's first one, timing from after.
      await proxied.client.callTool({ name: 'echo', arguments: { text: 'warm' } });
      await sleep(200);
      const baseline = procMemory(gw.pid);
      const resettable = resetPeakRss(gw.pid);
      await bigCall(direct);
      await bigCall(proxied);
      const d: number[] = [];
      const g: number[] = [];
      let sampledPeak = 0;
      for (let r = 0; r < rounds; r++) {
        const order = alternate(['direct', 'gateway'] as const, r);
        for (const side of order) {
          if (side === 'direct') {
            d.push(await bigCall(direct));
            continue;
          }
          const sampler = setInterval(() => {
            sampledPeak = Math.max(sampledPeak, procMemory(gw.pid).rssMB);
          }, 10);
          try {
            g.push(await bigCall(proxied));
          } finally {
            clearInterval(sampler);
          }
        }
      }
      const after = procMemory(gw.pid);
      await direct.close();
      await proxied.close();
      const peak = resettable ? after.hwmMB : Math.max(after.hwmMB, sampledPeak);
      const md = median(d);
      const mg = median(g);
      ctx.results.add({
        section: 'large',
        metric: `50 MB result wall time (${mode})`,
        unit: 'ms',
        direct: md,
        gateway: mg,
        compare: ratio(mg, md),
        target: '≤ 1.2× direct',
        pass: mg / md <= 1.2,
      });
      ctx.results.add({
        section: 'large',
        metric: `gateway peak RSS, 50 MB result (${mode})`,
        unit: 'MB',
        direct: null,
        gateway: peak,
        compare: `+${(peak - baseline.rssMB).toFixed(0)} MB over idle`,
        target: '< 200 MB',
        pass: peak < 200,
        note: `VmHWM of a fresh gateway process${resettable ? ' (peak reset after warm-up)' : ''} over ${rounds + 1} proxied transfers; idle RSS before ${baseline.rssMB.toFixed(0)} MB, after ${after.rssMB.toFixed(0)} MB`,
      });
      details[mode] = { directMs: d, gatewayMs: g, baselineRssMB: baseline.rssMB, peakRssMB: peak, sampledPeakMB: sampledPeak, afterRssMB: after.rssMB, peakResettable: resettable };
      ctx.log(`large ${mode}: direct ${md.toFixed(0)} ms gateway ${mg.toFixed(0)} ms, gateway peak RSS ${peak.toFixed(0)} MB (idle ${baseline.rssMB.toFixed(0)}, after ${after.rssMB.toFixed(0)})`);
    } finally {
      await gw.stop();
    }
  }
  ctx.results.detail('large', details);
}
