// A sustained mixed load through the gateway, for the steady-state test and
// `pnpm bench --soak`: SDK clients opening and closing sessions (JSON and SSE
// answers, progress, large results now and then, errors), some abandoned
// without DELETE, stdio sessions started and ended, and latency probes with
// unique texts (direct against proxied when a direct URL is given), so what
// was recorded can be checked against what was sent.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { EmptyResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { Agent, fetch as undiciFetch } from 'undici';

export interface SoakLoadOptions {
  /** Proxied URLs: an upstream answering with JSON, one answering with SSE, and a stdio server (optional). */
  json: string;
  sse: string;
  stdio?: string;
  /** The JSON upstream directly, for probes that alternate direct and proxied calls. */
  directJson?: string;
  durationMs: number;
  /** Concurrent workers, each opening session after session (default 4). */
  workers?: number;
  /** Calls per session, at most (default 12). */
  callsPerSession?: number;
  /** A stdio session starts this often (default 2 s). */
  stdioEveryMs?: number;
  /** Pause between two calls of a worker (default 5 ms). */
  pauseMs?: number;
  /** Size of the occasional large result (default 256 KiB; 1 call in 50). */
  bigBytes?: number;
  /** A probe call (direct and proxied, alternating) this often (default 50 ms); its latency goes to onProbe. */
  probeEveryMs?: number;
  onProbe?: (sample: { side: 'direct' | 'gateway'; at: number; ms: number }) => void;
  /** Deterministic choices. */
  seed?: number;
}

export interface SoakLoadStats {
  sessions: number;
  /** Sessions left without DELETE. */
  abandoned: number;
  stdioSessions: number;
  calls: number;
  bigResults: number;
  /** Errors the load asked for (a method the server does not have, a tool that fails). */
  expectedErrors: number;
  /** stdio sessions the gateway closed while idle between two calls, to make room or for idling (their client starts again). */
  evicted: number;
  /** Anything else that went wrong, with what it was. */
  failures: string[];
  /** Proxied probes: their unique text and when they were sent (epoch ms). */
  probes: Array<{ text: string; at: number }>;
}

const TEXT = 'The quick brown fox jumps over the lazy dog; lorem ipsum dolor sit amet. ';

export async function runSoakLoad(options: SoakLoadOptions): Promise<SoakLoadStats> {
  const agent = new Agent({ keepAliveTimeout: 2000, connections: 64 });
  const fetchVia = ((url: string | URL, init?: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
  let state = (options.seed ?? 1) >>> 0;
  const random = (): number => {
    // mulberry32: the same load every run.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const stats: SoakLoadStats = { sessions: 0, abandoned: 0, stdioSessions: 0, calls: 0, bigResults: 0, expectedErrors: 0, evicted: 0, failures: [], probes: [] };
  const deadline = performance.now() + options.durationMs;
  const running = (): boolean => performance.now() < deadline;
  const fail = (what: string, error: unknown): void => {
    if (stats.failures.length < 50) stats.failures.push(`${what}: ${(error as Error).message ?? String(error)}`);
  };
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  const connect = async (url: string, name: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> => {
    const client = new Client({ name, version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: fetchVia });
    await client.connect(transport);
    return { client, transport };
  };
  const end = async (session: { client: Client; transport: StreamableHTTPClientTransport }, abandon: boolean): Promise<void> => {
    if (!abandon) await session.transport.terminateSession().catch((error: unknown) => fail('DELETE', error));
    await session.client.close().catch(() => undefined);
  };

  /** One call of the mix; large results and errors now and then. */
  const call = async (client: Client, kind: 'json' | 'sse' | 'stdio'): Promise<void> => {
    const stdio = kind === 'stdio';
    const r = random();
    stats.calls++;
    if (r < 0.6) {
      const text = `${TEXT.slice(0, 20 + Math.floor(random() * 50))} ${stats.calls}`;
      const result = await client.callTool({ name: 'echo', arguments: { text } });
      if ((result.content as Array<{ text?: string }>)[0]?.text !== text) throw new Error('echo answered something else');
    } else if (r < 0.75) {
      let seen = 0;
      await client.callTool({ name: 'progress', arguments: { steps: 5, ...(stdio ? {} : { intervalMs: 1 }) } }, undefined, { onprogress: () => void seen++ });
      // A JSON answer has nowhere to carry notifications: only SSE and stdio sessions see them.
      if (seen === 0 && kind !== 'json') throw new Error('progress call brought no progress');
    } else if (r < 0.85 && !stdio) {
      const result = await client.callTool({ name: 'fail', arguments: {} });
      if (!result.isError) throw new Error('fail did not fail');
      stats.expectedErrors++;
    } else if (r < 0.95) {
      // A method the server does not have: a JSON-RPC error, recorded as one.
      try {
        await client.request({ method: 'soak/unknown', params: {} }, EmptyResultSchema);
        throw new Error('an unknown method was answered');
      } catch (error) {
        if (!/-32601|Method not found/i.test((error as Error).message)) throw error;
        stats.expectedErrors++;
      }
    } else if (r < 0.97 && !stdio) {
      const bytes = options.bigBytes ?? 256 * 1024;
      const result = await client.callTool({ name: 'big', arguments: { bytes } });
      if (((result.content as Array<{ text?: string }>)[0]?.text ?? '').length !== bytes) throw new Error('big answered another size');
      stats.bigResults++;
    } else {
      await client.listTools();
    }
  };

  const worker = async (index: number): Promise<void> => {
    while (running()) {
      const kind = index % 2 === 0 ? 'json' : 'sse';
      const url = kind === 'json' ? options.json : options.sse;
      let session: Awaited<ReturnType<typeof connect>> | null = null;
      try {
        session = await connect(url, `soak-${index}`);
        stats.sessions++;
        const calls = 1 + Math.floor(random() * (options.callsPerSession ?? 12));
        for (let i = 0; i < calls && running(); i++) {
          await call(session.client, kind);
          await sleep(options.pauseMs ?? 5);
        }
      } catch (error) {
        fail(`session on ${url}`, error);
        await sleep(100);
      } finally {
        if (session) {
          const abandon = random() < 0.2;
          if (abandon) stats.abandoned++;
          await end(session, abandon);
        }
      }
    }
  };

  const stdioWorker = async (url: string): Promise<void> => {
    const open: Array<Promise<void>> = [];
    while (running()) {
      open.push(
        (async () => {
          let session: Awaited<ReturnType<typeof connect>> | null = null;
          try {
            session = await connect(url, 'soak-stdio');
            stats.stdioSessions++;
            for (let i = 0; i < 3; i++) await call(session.client, 'stdio');
          } catch (error) {
            // At stdio.maxSessionsPerServer the least recently used idle session makes room: a 404, as designed.
            if (/Session not found/.test((error as Error).message)) stats.evicted++;
            else fail('stdio session', error);
          } finally {
            if (session) {
              // Some are left for the gateway to reap or to close for room.
              const abandon = random() < 0.3;
              if (abandon) stats.abandoned++;
              await end(session, abandon);
            }
          }
        })(),
      );
      await sleep(options.stdioEveryMs ?? 2000);
    }
    await Promise.all(open);
  };

  const prober = async (): Promise<void> => {
    const gateway = await connect(options.json, 'soak-probe');
    const direct = options.directJson ? await connect(options.directJson, 'soak-probe-direct') : null;
    let n = 0;
    try {
      while (running()) {
        // Alternate which side goes first, so drift lands on both.
        const sides = direct ? (n % 2 === 0 ? (['direct', 'gateway'] as const) : (['gateway', 'direct'] as const)) : (['gateway'] as const);
        for (const side of sides) {
          const text = `probe-${side}-${n}`;
          const at = Date.now();
          const t0 = performance.now();
          try {
            await (side === 'direct' ? direct! : gateway).client.callTool({ name: 'echo', arguments: { text } });
            options.onProbe?.({ side, at, ms: performance.now() - t0 });
            if (side === 'gateway') stats.probes.push({ text, at });
          } catch (error) {
            fail(`probe ${side}`, error);
          }
        }
        n++;
        await sleep(options.probeEveryMs ?? 50);
      }
    } finally {
      await end(gateway, false);
      if (direct) await end(direct, false);
    }
  };

  await Promise.all([
    ...Array.from({ length: options.workers ?? 4 }, (_, i) => worker(i)),
    ...(options.stdio ? [stdioWorker(options.stdio)] : []),
    prober(),
  ]);
  await agent.close();
  return stats;
}
