// Real MCP traffic through a test gateway, for the API tests: SDK clients
// against the SDK test upstream, nothing simulated.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { z } from 'zod';
import { eventually, type TestGateway } from '../../test-support/gateway.js';

export interface Connected {
  client: Client;
  transport: StreamableHTTPClientTransport;
  close(): Promise<void>;
}

export async function connect(proxyUrl: string, name = 'api-test-client', version = '1.0.0', headers: Record<string, string> = {}): Promise<Connected> {
  const client = new Client({ name, version });
  const transport = new StreamableHTTPClientTransport(new URL(proxyUrl), { requestInit: { headers } });
  await client.connect(transport);
  return {
    client,
    transport,
    close: async () => {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}

/** GET (or another method) on the gateway's API, parsed; throws with the body when the status is not the expected one. */
export async function api<T = unknown>(gateway: Pick<TestGateway, 'api'>, path: string, init: RequestInit & { expect?: number } = {}): Promise<T> {
  const response = await gateway.api(path, init);
  const text = await response.text();
  if (response.status !== (init.expect ?? 200)) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${response.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Validates a response against its documented schema and returns it typed. */
export function conforms<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`response does not match its schema: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Waits until the writer has stored at least `count` messages (the writer flushes every 50 ms). */
export async function stored(gateway: TestGateway, count: number): Promise<void> {
  await eventually(() => gateway.messages().length >= count, 5000);
}
