// A stdio MCP server (official SDK) whose stderr carries markup, for the XSS
// spec: the Servers page must show these lines as text.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

process.stderr.write('<img src=x onerror=window.__xss=1>\n');
process.stderr.write('</script><script>window.__xss=2</script>\n');
const server = new McpServer({ name: 'stderr-xss', version: '1.0.0' });
await server.connect(new StdioServerTransport());
