// The soak in miniature (pnpm bench --soak runs it for 20 minutes): a mixed
// load in two phases against a gateway with low retention, asserting only
// what does not depend on timing: nothing kept per session outlives the
// sessions, no descriptor or child process is left behind, the database is
// within its limits at every moment, and nothing inside the retention window
// is lost. Never absolute times.
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openDescriptors } from './process-health/monitor.js';
import { allowance } from './store/retention.js';
import { startTestGateway, tempHome, type TestGateway } from './test-support/gateway.js';
import { runSoakLoad, type SoakLoadStats } from './test-support/soak-load.js';
import { startUpstream, type TestUpstream } from './test-support/upstream.js';
import type { GatewayHealth } from './types.js';

const STDIO_SERVER = fileURLToPath(new URL('./test-support/stdio-server.mjs', import.meta.url));
const RETENTION = { maxMessages: 500, maxBytes: 6 * 1024 * 1024, maxAgeSeconds: 8 };
const STDIO = { maxSessionsPerServer: 3, idleMinutes: 0.02 };

let gateway: TestGateway | undefined;
const upstreams: TestUpstream[] = [];
afterEach(async () => {
  await gateway?.stop();
  for (const u of upstreams.splice(0)) await u.close();
  gateway = undefined;
});

/** The database as another connection sees it, every few milliseconds, while `work` runs: the worst moment counts. */
async function watched<T>(file: string, work: () => Promise<T>): Promise<{ result: T; maxCount: number; maxBytes: number; maxAgeMs: number }> {
  const db = new Database(file, { readonly: true });
  const count = db.prepare('SELECT count(*) FROM messages').pluck();
  const oldest = db.prepare('SELECT min(timestamp) FROM messages').pluck();
  const worst = { maxCount: 0, maxBytes: 0, maxAgeMs: 0 };
  let running = true;
  const poll = (async () => {
    while (running) {
      worst.maxCount = Math.max(worst.maxCount, count.get() as number);
      const pages = (db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number);
      worst.maxBytes = Math.max(worst.maxBytes, pages * (db.pragma('page_size', { simple: true }) as number));
      const first = oldest.get() as number | null;
      if (first !== null) worst.maxAgeMs = Math.max(worst.maxAgeMs, Date.now() - first);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  try {
    return { result: await work(), ...worst };
  } finally {
    running = false;
    await poll;
    db.close();
  }
}

async function processHealth(): Promise<NonNullable<GatewayHealth['process']> & { pendingWrites: number }> {
  const body = (await (await gateway!.api('/health')).json()) as GatewayHealth;
  return { ...body.process!, pendingWrites: body.storage.pendingWrites };
}

/** After a phase: every session over, idle stdio processes reaped, the writer's queue empty. */
async function settled(): Promise<{ fds: number; internals: Record<string, number> }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const health = await processHealth();
    const internals = gateway!.internals();
    if (health.children === 0 && health.pendingWrites === 0 && internals['bridge.live'] === 0) return { fds: openDescriptors() ?? 0, internals };
    if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify({ health, internals })}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What the database holds now, and which probes sent since its oldest message are not in it (request and answer both). */
function storedNow(file: string, run: SoakLoadStats): { kept: number; ever: number; inWindow: number; missing: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    const { kept, first, ever } = db
      .prepare("SELECT count(*) AS kept, min(timestamp) AS first, (SELECT seq FROM sqlite_sequence WHERE name = 'messages') AS ever FROM messages")
      .get() as { kept: number; first: number; ever: number };
    const found = new Map<string, number>();
    for (const body of db.prepare("SELECT body FROM messages WHERE server = 'json' AND body LIKE '%probe-gateway-%'").pluck().all() as string[]) {
      for (const match of body.matchAll(/probe-gateway-\d+/g)) found.set(match[0], (found.get(match[0]) ?? 0) + 1);
    }
    // Same clock (the gateway runs in this process); ids follow recording time, so a probe sent after the
    // oldest kept message was recorded after it too. A few milliseconds of margin for rounding.
    const inWindow = run.probes.filter((p) => p.at > first + 20);
    return { kept, ever, inWindow: inWindow.length, missing: inWindow.filter((p) => (found.get(p.text) ?? 0) < 2).map((p) => p.text) };
  } finally {
    db.close();
  }
}

describe('steady state under a sustained mixed load', () => {
  it('leaves no sessions, children, descriptors or per-session state behind, and keeps the database within retention at every moment', async () => {
    const json = await startUpstream({ json: true });
    const sse = await startUpstream();
    upstreams.push(json, sse);
    const home = tempHome();
    writeFileSync(
      join(home, 'mcp.json'),
      JSON.stringify({
        mcpServers: { json: { url: json.url }, sse: { url: sse.url }, local: { command: process.execPath, args: [STDIO_SERVER] } },
        retention: RETENTION,
        stdio: STDIO,
      }),
    );
    gateway = await startTestGateway(undefined, home, { retentionIntervalMs: 500 });
    const url = (server: string): string => `${gateway!.url}/s/${server}/mcp`;

    const phase = (seed: number): Promise<SoakLoadStats> =>
      runSoakLoad({ json: url('json'), sse: url('sse'), stdio: url('local'), durationMs: 7000, workers: 3, stdioEveryMs: 700, bigBytes: 200_000, probeEveryMs: 5, seed });
    const first = await watched(join(home, 'logs.db'), () => phase(1));
    const afterFirst = await settled();
    const second = await watched(join(home, 'logs.db'), () => phase(2));
    // Right after the load, before the age limit (8 s) takes what it brought.
    gateway.writer.flushSync();
    const stored = storedNow(join(home, 'logs.db'), second.result);
    const afterSecond = await settled();

    for (const run of [first.result, second.result]) {
      expect(run.failures).toEqual([]);
      expect(run.sessions).toBeGreaterThan(5);
      expect(run.stdioSessions).toBeGreaterThan(2);
      expect(run.abandoned).toBeGreaterThan(0);
      expect(run.expectedErrors).toBeGreaterThan(0);
    }

    // Nothing kept per session or per request outlives them, after either phase.
    const empty = { 'bridge.sessions': 0, 'bridge.starting': 0, 'bridge.live': 0, pairingPending: 0, pendingWrites: 0 };
    expect(afterFirst.internals).toEqual(empty);
    expect(afterSecond.internals).toEqual(empty);
    // No descriptors left behind: the second phase ends where the first did. (Compared with before the
    // load, keep-alive pools hold sockets for up to 30 s, and threads and files opened once stay open.)
    expect(afterSecond.fds).toBeLessThanOrEqual(afterFirst.fds + 5);

    // Within the limits at every moment another connection looked, not only at the end.
    expect(stored.kept).toBeLessThanOrEqual(RETENTION.maxMessages);
    // Pruning ran the whole time: far more went through than is kept.
    expect(stored.ever).toBeGreaterThan(2 * RETENTION.maxMessages);
    // Nothing lost inside the retention window: every proxied probe since the oldest kept message is there, request and answer.
    expect(stored.inWindow).toBeGreaterThan(5);
    expect(stored.missing).toEqual([]);
    const over = allowance(RETENTION);
    for (const run of [first, second]) {
      expect(run.maxCount).toBeLessThanOrEqual(RETENTION.maxMessages + over.messages);
      expect(run.maxBytes).toBeLessThanOrEqual(RETENTION.maxBytes + over.bytes);
      expect(run.maxAgeMs).toBeLessThanOrEqual((RETENTION.maxAgeSeconds + 60) * 1000);
    }
  }, 120_000);
});
