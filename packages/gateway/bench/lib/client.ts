// The real client: SDK Client + StreamableHTTPClientTransport, in the bench process.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { setMaxListeners } from 'node:events';

export const nowMs = (): number => performance.timeOrigin + performance.now();

export interface BenchClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /** Called with (emitTime stamped by the upstream, receive time here) for every progress notification. */
  onProgressStamp: ((emittedAt: number, receivedAt: number) => void) | null;
  close(): Promise<void>;
}

export async function connect(url: string, name = 'bench-client'): Promise<BenchClient> {
  const client = new Client({ name, version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  // Every POST passes the transport's one AbortSignal to fetch, which keeps an abort
  // listener until the request is garbage-collected: harmless, but Node warns past a limit.
  const signal = (transport as unknown as { _abortController?: AbortController })._abortController?.signal;
  if (signal) setMaxListeners(0, signal);
  const bench: BenchClient = {
    client,
    transport,
    onProgressStamp: null,
    close: async () => {
      try {
        await transport.terminateSession();
      } catch {
        // already gone
      }
      await client.close();
    },
  };
  // Stamp the receive time as soon as the transport hands over the parsed message,
  // before the SDK's own dispatch and schema validation.
  const inner = transport.onmessage;
  transport.onmessage = (message: JSONRPCMessage, extra?: unknown) => {
    if (bench.onProgressStamp && 'method' in message && message.method === 'notifications/progress') {
      const receivedAt = nowMs();
      const stamp = Number((message.params as { message?: string } | undefined)?.message);
      if (Number.isFinite(stamp)) bench.onProgressStamp(stamp, receivedAt);
    }
    (inner as (m: JSONRPCMessage, e?: unknown) => void)?.(message, extra);
  };
  return bench;
}

export async function connectMany(url: string, count: number): Promise<BenchClient[]> {
  const out: BenchClient[] = [];
  // A few at a time: 64 initialize handshakes at once is a different benchmark.
  for (let i = 0; i < count; i += 8) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(8, count - i) }, (_, j) => connect(url, `bench-${i + j}`)))));
  }
  return out;
}

export async function closeAll(clients: BenchClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
}

export async function echo(c: BenchClient, text = 'hello from the bench'): Promise<void> {
  const result = await c.client.callTool({ name: 'echo', arguments: { text } });
  if ((result.content as Array<{ text?: string }>)[0]?.text !== text) throw new Error('echo returned something else');
}

/**
 * Offset of the upstream's clock relative to ours (upstream - local), NTP style:
 * the sample with the smallest round trip bounds the error by half of it.
 */
export async function clockOffset(upstreamBase: string, samples = 40): Promise<{ offsetMs: number; errorMs: number }> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < samples; i++) {
    const t0 = nowMs();
    const response = await fetch(`${upstreamBase}/clock`);
    const remote = Number(await response.text());
    const t1 = nowMs();
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: remote - (t0 + t1) / 2 };
  }
  return { offsetMs: best.offset, errorMs: best.rtt / 2 };
}
