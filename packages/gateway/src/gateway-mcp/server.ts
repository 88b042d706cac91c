import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerAdminTools } from './admin-tools.js';
import type { ApiClient } from './api-client.js';
import { registerResources } from './resources.js';
import { registerTrafficTools } from './traffic-tools.js';

export interface GatewayMcpOptions {
  api: ApiClient;
  version: string;
}

const INSTRUCTIONS =
  'mcp-gateway records every MCP message between clients and the servers behind it. To find out why a call failed: explain_error (no id: the latest error). ' +
  'To look around: search_messages (the inspector\'s filter grammar, e.g. "tool:get_weather status:error"), get_message, list_sessions, get_session, get_stats. ' +
  'To test a fix: replay_message with edited params; verify_session re-runs a whole session. Ask the user before confirm: true.';

/** The gateway's own MCP server: tools, resources and a prompt over its REST API. */
export function createGatewayMcpServer(options: GatewayMcpOptions): McpServer {
  const server = new McpServer({ name: 'mcp-gateway', version: options.version }, { instructions: INSTRUCTIONS, capabilities: { tools: {}, resources: {}, prompts: {} } });
  registerTrafficTools(server, options.api);
  registerAdminTools(server, options.api);
  registerResources(server, options.api);
  return server;
}
