import { useQuery } from '@tanstack/react-query';
import type { ServerView } from '@mcp-gateway/gateway/types';

interface ServersResponse {
  servers: ServerView[];
  registryError: string | null;
}

async function fetchServers(): Promise<ServersResponse> {
  const response = await fetch('/api/servers');
  if (!response.ok) throw new Error(`GET /api/servers answered ${response.status}`);
  return (await response.json()) as ServersResponse;
}

export function App() {
  const servers = useQuery({ queryKey: ['servers'], queryFn: fetchServers, refetchInterval: 2000 });
  return (
    <main>
      <h1>MCP Gateway</h1>
      <p>
        Point an MCP client at a server's proxy URL below; every message it exchanges is recorded. The traffic browser
        arrives in a coming version; until then export the recording with <code>mcp-gateway logs export</code>.
      </p>
      <h2>Servers</h2>
      {servers.isError && <p role="alert">Could not load servers: {servers.error.message}</p>}
      {servers.data?.registryError && <p role="alert">{servers.data.registryError}</p>}
      {servers.data && servers.data.servers.length === 0 && (
        <p>
          No server is registered yet. Add one with <code>mcp-gateway server add &lt;name&gt; &lt;url&gt;</code>.
        </p>
      )}
      {servers.data && servers.data.servers.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Proxy URL</th>
              <th scope="col">Upstream</th>
            </tr>
          </thead>
          <tbody>
            {servers.data.servers.map((server) => (
              <tr key={server.name}>
                <td>{server.name}</td>
                <td>
                  <code>{server.proxyUrl}</code>
                </td>
                <td>{server.url ?? [server.command, ...(server.args ?? [])].join(' ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
