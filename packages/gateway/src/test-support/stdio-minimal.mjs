// The smallest stdio MCP server, for tests that start hundreds of processes:
// plain node, no SDK to load. initialize, ping, tools/list and tools/call
// (echo; wait, which answers after `ms`, or when stdin closes).
import { createInterface } from 'node:readline';

const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const waiting = [];
createInterface({ input: process.stdin }).on('line', (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  if (message.id === undefined || typeof message.method !== 'string') return;
  const answer = (result) => send({ jsonrpc: '2.0', id: message.id, result });
  if (message.method === 'initialize') {
    answer({ protocolVersion: message.params?.protocolVersion ?? '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'stdio-minimal', version: '1.0.0' } });
  } else if (message.method === 'ping') answer({});
  else if (message.method === 'tools/list') answer({ tools: [{ name: 'echo', inputSchema: { type: 'object' } }, { name: 'wait', inputSchema: { type: 'object' } }] });
  else if (message.method === 'tools/call' && message.params?.name === 'wait') {
    const done = () => answer({ content: [{ type: 'text', text: 'waited' }] });
    waiting.push(done);
    setTimeout(done, message.params.arguments?.ms ?? 60_000).unref();
  } else if (message.method === 'tools/call') answer({ content: [{ type: 'text', text: String(message.params?.arguments?.text ?? '') }] });
  else send({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'Method not found' } });
});
process.stdin.on('end', () => process.exit(0));
