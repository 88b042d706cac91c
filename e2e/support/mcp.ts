/** Real SDK clients through the gateway, and registering upstreams through its API. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Gateway } from './gateway.js';

/** Registers a Streamable HTTP server through the REST API (as the CLI or the UI would). */
export async function addServer(gateway: Gateway, name: string, url: string): Promise<void> {
  const response = await fetch(`${gateway.url}/api/servers`, {
    method: 'POST',
    headers: { ...gateway.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ name, url }),
  });
  if (response.status !== 201) throw new Error(`adding ${name} answered ${response.status}: ${await response.text()}`);
}

/** An SDK client connected (initialize done) to the gateway's proxy URL of `server`. */
export async function connectClient(gateway: Gateway, server: string, clientName = 'e2e-client'): Promise<Client> {
  const client = new Client({ name: clientName, version: '3.4.5' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/${server}/mcp`)));
  return client;
}

/** The text of a tools/call result's first content item. */
export function resultText(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content;
  return content?.[0]?.text ?? '';
}
