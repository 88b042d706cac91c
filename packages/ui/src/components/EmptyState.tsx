// What a new user sees before any traffic: the two steps to get some.
import type { ServerView } from '@mcp-gateway/gateway/types';
import { Link } from '../router/router.js';
import { CopyButton } from './CopyButton.js';
import { DemoButton } from './DemoButton.js';
import { Snippets } from './Snippets.js';

export function EmptyState({ servers }: { servers: ServerView[] | null }) {
  const first = servers?.[0];
  return (
    <div className="empty-panel onboarding">
      <h2>No traffic recorded yet</h2>
      <p>This page shows every JSON-RPC message between your MCP clients and servers, live. To see some:</p>
      <DemoButton />
      <ol className="steps">
        <li className={first ? 'done' : ''}>
          <h3>1. Add the MCP server you want to watch</h3>
          {first ? (
            <p>
              Done: {servers?.length === 1 ? 'one server is' : `${servers?.length} servers are`} registered. <Link to="/servers">Manage servers</Link>
            </p>
          ) : (
            <p>
              Give the gateway the server's URL (or the command of a stdio server): <Link to="/servers?add=1">Add a server</Link>. From the terminal:{' '}
              <code>mcp-gateway server add &lt;name&gt; &lt;url&gt;</code>
            </p>
          )}
        </li>
        <li>
          <h3>2. Point your client at the gateway's proxy URL</h3>
          {first ? (
            <>
              <p>
                Use this URL in your client instead of the server's own:{' '}
                <code className="proxy-url">{first.proxyUrl}</code> <CopyButton label="Copy proxy URL" text={first.proxyUrl} display="Copy" className="small" />
              </p>
              <Snippets name={first.name} url={first.proxyUrl} />
            </>
          ) : (
            <p>Each server gets a proxy URL like <code>{window.location.origin}/s/&lt;name&gt;/mcp</code>; give that to Claude, Cursor or VS Code.</p>
          )}
        </li>
        <li>
          <h3>3. Use your client as usual</h3>
          <p>Calls appear here within a second. Click one to see the request, its answer, progress and HTTP details.</p>
        </li>
      </ol>
    </div>
  );
}
