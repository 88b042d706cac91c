// Shared by the OpenTelemetry tests: a gateway whose mcp.json has an "otel"
// section, and SDK clients that carry trace context the two ways clients do.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, startTestGateway, tempHome, type TestGateway } from './gateway.js';
import type { OtlpReceiver, ReceivedSpan } from './otlp-receiver.js';

export async function startOtelGateway(
  servers: Record<string, unknown>,
  otel: Record<string, unknown>,
  home = tempHome(),
  extra: Parameters<typeof startTestGateway>[2] = {},
): Promise<TestGateway> {
  writeOtelRegistry(home, servers, otel);
  return startTestGateway(undefined, home, extra);
}

export function writeOtelRegistry(home: string, servers: Record<string, unknown>, otel: Record<string, unknown>): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: servers, otel }, null, 2), { mode: 0o600 });
}

export interface Connected {
  client: Client;
  transport: StreamableHTTPClientTransport;
}

/** An SDK client; `headers` go on every HTTP request it makes (a traceparent, say). */
export async function connect(url: string, headers: Record<string, string> = {}): Promise<Connected> {
  const client = new Client({ name: 'otel-test', version: '0.0.1' });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  await client.connect(transport);
  return { client, transport };
}

/** Waits until the receiver holds a span that `match` accepts. */
export function spanWhere(receiver: OtlpReceiver, match: (span: ReceivedSpan) => boolean, timeoutMs = 10_000): Promise<ReceivedSpan> {
  return eventually(() => receiver.spans.find(match), timeoutMs);
}

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const PARENT_ID = '00f067aa0ba902b7';
export const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;
