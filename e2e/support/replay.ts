/**
 * For the replay tests: the gateway tests' replay upstream (read-only and
 * side-effecting tools, a behaviour a test can change between recording and
 * replaying), and a recorded session through the real gateway.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startReplayUpstream, type ReplayUpstream } from '../../packages/gateway/src/test-support/replay-upstream.js';
import type { Gateway } from './gateway.js';
import { addServer, connectClient } from './mcp.js';

export type { ReplayUpstream };

export interface Recorded {
  upstream: ReplayUpstream;
  client: Client;
  /** The session id the upstream gave (the gateway passes it through, and records under it). */
  session: string;
  close(): Promise<void>;
}

/**
 * Registers a fresh replay upstream as `server`, connects an SDK client through
 * the gateway and lists the tools (so the gateway knows which are read-only).
 */
export async function recordSession(gateway: Gateway, server: string): Promise<Recorded> {
  const upstream = await startReplayUpstream();
  await addServer(gateway, server, upstream.url);
  const client = await connectClient(gateway, server, 'replay-e2e-client');
  await client.listTools();
  const session = (client.transport as { sessionId?: string } | undefined)?.sessionId;
  if (!session) throw new Error('the SDK client has no session id after connecting');
  return {
    upstream,
    client,
    session,
    close: async () => {
      await client.close().catch(() => undefined);
      await upstream.close();
    },
  };
}
