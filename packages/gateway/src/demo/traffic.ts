import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

export interface DemoTrafficResult {
  /** Requests made (initialize not counted). */
  calls: number;
  /** Calls answered with a JSON-RPC error. */
  errors: number;
  /** Tool results with isError: true. */
  toolErrors: number;
}

/** The client name the scripted session sends, so its session is easy to tell apart in the inspector. */
export const DEMO_CLIENT = 'mcp-gateway-demo-traffic';

/**
 * A short scripted session against the demo server through the gateway
 * (`<gateway>/s/demo/mcp`): every kind of row the inspector shows, in a few
 * seconds. An SDK client, as a real one would be.
 */
export async function driveDemoTraffic(proxyUrl: string, options: { headers?: Record<string, string> } = {}): Promise<DemoTrafficResult> {
  const client = new Client({ name: DEMO_CLIENT, version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(proxyUrl), { requestInit: { headers: options.headers ?? {} } });
  await client.connect(transport);
  const result: DemoTrafficResult = { calls: 0, errors: 0, toolErrors: 0 };
  const step = async (run: () => Promise<unknown>): Promise<void> => {
    result.calls++;
    try {
      const answer = (await run()) as { isError?: boolean } | undefined;
      if (answer?.isError) result.toolErrors++;
    } catch (error) {
      if (!(error instanceof McpError)) throw error;
      result.errors++;
    }
  };
  try {
    await step(() => client.listTools());
    await step(() => client.callTool({ name: 'echo', arguments: { text: 'hello through the gateway' } }));
    await step(() => client.callTool({ name: 'count_slowly', arguments: { to: 5, stepMs: 80 } }, undefined, { onprogress: () => undefined }));
    await step(() => client.callTool({ name: 'fail', arguments: {} }));
    await step(() => client.callTool({ name: 'report_problem', arguments: {} }));
    await step(() => client.callTool({ name: 'sleep', arguments: { seconds: 1 } }));
    await step(() => client.callTool({ name: 'large_result', arguments: { kilobytes: 256 } }));
    await step(() => client.listResources());
    await step(() => client.readResource({ uri: 'demo://readme' }));
    await step(() => client.listPrompts());
    await step(() => client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } }));
    await step(() => client.ping());
  } finally {
    await transport.terminateSession().catch(() => undefined);
    await client.close();
  }
  return result;
}
