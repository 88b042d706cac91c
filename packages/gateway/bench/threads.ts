// tsx bench/threads.ts [--sessions N] [--mode json|sse] [--seconds N]: CPU per proxied call of each
// thread of the gateway (main, the storage writer, the alerts analyzer, libuv, V8 helpers), from
// /proc/<pid>/task/<tid>/stat, under N sessions calling echo back to back.
import { readdirSync, readFileSync } from 'node:fs';
import { closeAll, connectMany } from './lib/client.js';
import { SERVERS } from './lib/context.js';
import { cleanupTemp, killAll, startGatewayProc, startUpstream } from './lib/procs.js';
import { window } from './sections/throughput.js';

function threads(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const key = `${name}#${tid === String(pid) ? 'main' : tid}`;
      out.set(key, (Number(f[11]) + Number(f[12])) * 10);
    } catch {
      // the thread ended
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: string): string => (args.includes(name) ? (args[args.indexOf(name) + 1] as string) : fallback);
  const sessions = Number(flag('--sessions', '16'));
  const mode = flag('--mode', 'json') as 'json' | 'sse';
  const seconds = Number(flag('--seconds', '8'));
  const upstream = await startUpstream();
  const gw = await startGatewayProc({ servers: SERVERS(upstream) });
  try {
    const clients = await connectMany(gw.proxyUrl(mode), sessions);
    await window(clients, 4000);
    const before = threads(gw.pid);
    const start = performance.now();
    let calls = 0;
    const deadline = start + seconds * 1000;
    await Promise.all(clients.map(async (c) => { while (performance.now() < deadline) { await c.client.callTool({ name: 'echo', arguments: { text: 'hello from the bench' } }); calls++; } }));
    const after = threads(gw.pid);
    await closeAll(clients);
    const rows = [...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
    const total = rows.reduce((a, [, v]) => a + v, 0);
    process.stdout.write(`${calls} calls in ${seconds} s (${(calls / seconds).toFixed(0)}/s), ${sessions} ${mode} sessions; gateway CPU per call ${((total / calls) * 1000).toFixed(0)} µs\n`);
    for (const [k, v] of rows) process.stdout.write(`  ${((v / calls) * 1000).toFixed(0).padStart(5)} µs  ${k}\n`);
  } finally {
    await gw.stop();
    await upstream.stop();
    killAll();
    cleanupTemp();
  }
}
void main();
