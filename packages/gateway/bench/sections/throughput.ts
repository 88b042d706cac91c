// 2. Throughput at 1, 16 and 64 concurrent sessions, closed loop, alternating windows.
import { closeAll, connectMany, echo, type BenchClient } from '../lib/client.js';
import type { Ctx } from '../lib/context.js';
import { CpuMeter } from '../lib/procs.js';
import { ratio } from '../lib/report.js';
import { alternate, median } from '../lib/stats.js';

/** Every session calls echo back to back until the deadline; returns calls per second. */
export async function window(clients: BenchClient[], ms: number): Promise<{ rate: number; errors: number }> {
  const start = performance.now();
  const deadline = start + ms;
  let calls = 0;
  let errors = 0;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < deadline) {
        try {
          await echo(c);
          calls++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { rate: calls / ((performance.now() - start) / 1000), errors };
}

export async function throughput(ctx: Ctx): Promise<void> {
  const gw = await ctx.gateway();
  const levels = [1, 16, 64];
  const rounds = ctx.options.quick ? 2 : 3;
  // The target's level gets more windows: one 1.5 s window on this shared machine can be off by 30%.
  const roundsAt = (sessions: number): number => (sessions === 64 && !ctx.options.quick ? 5 : rounds);
  const windowMs = ctx.options.quick ? 700 : 1500;
  const modes = ['json', 'sse'] as const;
  const details: Record<string, unknown> = { rounds, roundsAt64: roundsAt(64), windowMs };
  for (const mode of modes) {
    for (const sessions of levels) {
      const direct = await connectMany(ctx.upstream.url(mode), sessions);
      const proxied = await connectMany(gw.proxyUrl(mode), sessions);
      await window(direct, 300);
      await window(proxied, 300);
      const d: number[] = [];
      const g: number[] = [];
      const cores: Record<string, unknown> = {};
      let errors = 0;
      for (let r = 0; r < roundsAt(sessions); r++) {
        const order = alternate(['direct', 'gateway'] as const, r);
        for (const side of order) {
          const meter = new CpuMeter({ gateway: gw.pid, upstream: ctx.upstream.pid });
          const result = await window(side === 'direct' ? direct : proxied, windowMs);
          const cpu = meter.stop();
          errors += result.errors;
          (side === 'direct' ? d : g).push(result.rate);
          if (r === 0) cores[side] = cpu.cores;
        }
      }
      await closeAll(direct);
      await closeAll(proxied);
      const md = median(d);
      const mg = median(g);
      ctx.results.add({
        section: 'throughput',
        metric: `calls/s, ${sessions} session${sessions > 1 ? 's' : ''} (${mode})`,
        unit: '/s',
        direct: md,
        gateway: mg,
        compare: ratio(mg, md),
        target: sessions === 64 ? '≥ 0.85× direct' : '',
        pass: sessions === 64 ? mg / md >= 0.85 : null,
        note: errors ? `${errors} calls failed` : undefined,
      });
      details[`${mode}-${sessions}`] = { direct: d, gateway: g, coresUsed: cores, errors };
      ctx.log(`throughput ${mode} ×${sessions}: direct ${md.toFixed(0)}/s gateway ${mg.toFixed(0)}/s (${((mg / md) * 100).toFixed(0)}%) cores ${JSON.stringify(cores)}`);
    }
  }
  ctx.results.detail('throughput', details);
}
