import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { createGatewayMcpServer, type GatewayMcpOptions } from './server.js';

/**
 * `/gateway/mcp` over Streamable HTTP, stateless: each request gets its own
 * server and transport, so nothing is kept between calls and a restart loses
 * no session. JSON answers (no streams to hold open).
 */
export function gatewayMcpHandler(options: GatewayMcpOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    const server = createGatewayMcpServer(options);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request);
    } finally {
      // The answer is complete (JSON); closing frees the server.
      void server.close();
    }
  };
}
