import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../test-support/cli.js';

let home: string;
let cleanup: () => void;
beforeEach(() => {
  ({ home, cleanup } = tempHome());
});
afterEach(() => cleanup());

function registry(): { mcpServers: Record<string, Record<string, unknown>> } {
  return JSON.parse(readFileSync(join(home, 'mcp.json'), 'utf8')) as { mcpServers: Record<string, Record<string, unknown>> };
}

describe('server add / list / remove', () => {
  it('round-trips an HTTP server with its secrets masked in every listing', async () => {
    const add = await runCli(home, [
      'server', 'add', 'github', 'https://api.example.com/mcp',
      '--header', 'Authorization: Bearer s3cret-token',
      '--type', 'http',
    ]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('Proxy URL: http://127.0.0.1:3333/s/github/mcp');
    expect(add.stdout).not.toContain('s3cret-token');
    expect(registry().mcpServers.github).toEqual({
      type: 'http',
      url: 'https://api.example.com/mcp',
      headers: { Authorization: 'Bearer s3cret-token' },
    });
    expect(statSync(join(home, 'mcp.json')).mode & 0o777).toBe(0o600);
    expect(statSync(home).mode & 0o777).toBe(0o700);

    const list = await runCli(home, ['server', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/NAME\s+TYPE\s+PROXY URL\s+UPSTREAM/);
    expect(list.stdout).toMatch(/github\s+http\s+http:\/\/127\.0\.0\.1:3333\/s\/github\/mcp\s+https:\/\/api\.example\.com\/mcp/);
    expect(list.stdout).toContain('Authorization: ********');
    expect(list.stdout).not.toContain('s3cret');

    const json = await runCli(home, ['server', 'list', '--json']);
    expect(json.code).toBe(0);
    expect(json.stdout).not.toContain('s3cret');
    expect(JSON.parse(json.stdout)).toEqual([
      {
        name: 'github',
        type: 'http',
        url: 'https://api.example.com/mcp',
        headers: { Authorization: '********' },
        proxyUrl: 'http://127.0.0.1:3333/s/github/mcp',
      },
    ]);

    const remove = await runCli(home, ['server', 'remove', 'github']);
    expect(remove.code).toBe(0);
    expect(remove.stdout).toContain('Removed server "github"');
    expect(registry().mcpServers).toEqual({});
    expect(JSON.parse((await runCli(home, ['server', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('stores a stdio server with --env, --cwd and the command after --, and says how it will run', async () => {
    const add = await runCli(home, [
      'server', 'add', 'files', '--env', 'API_KEY=hunter2', '--env', 'MODE=a=b', '--cwd', home,
      '--', 'npx', '-y', 'some-server', '--port', '4000', '--home', '/elsewhere',
    ]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/starts this command for each client session/);
    expect(add.stdout).not.toContain('hunter2');
    expect(registry().mcpServers.files).toEqual({
      command: 'npx',
      // Options after -- belong to the server's command, not to mcp-gateway.
      args: ['-y', 'some-server', '--port', '4000', '--home', '/elsewhere'],
      env: { API_KEY: 'hunter2', MODE: 'a=b' },
      cwd: home,
    });

    const list = await runCli(home, ['server', 'list']);
    expect(list.stdout).toMatch(/files\s+stdio\s+\S+\/s\/files\/mcp\s+npx -y some-server --port 4000/);
    expect(list.stdout).toContain('env API_KEY=********');
    expect(list.stdout).not.toContain('hunter2');
  });

  it('refuses a duplicate unless --force, and uses --port or MCP_GATEWAY_PORT for the printed URL', async () => {
    expect((await runCli(home, ['server', 'add', 'a', 'https://one.example.com/mcp'])).code).toBe(0);
    const duplicate = await runCli(home, ['server', 'add', 'a', 'https://two.example.com/mcp']);
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain('--force');
    const forced = await runCli(home, ['server', 'add', 'a', 'https://two.example.com/mcp', '--force', '--port', '4444']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('Proxy URL: http://127.0.0.1:4444/s/a/mcp');
    expect(registry().mcpServers.a).toEqual({ url: 'https://two.example.com/mcp' });

    const fromEnv = await runCli(home, ['server', 'add', 'b', 'https://example.com/mcp'], { MCP_GATEWAY_PORT: '5555' });
    expect(fromEnv.stdout).toContain('Proxy URL: http://127.0.0.1:5555/s/b/mcp');
  });

  it('removing an unknown server exits 2 and names the registered ones', async () => {
    const none = await runCli(home, ['server', 'remove', 'ghost']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no server named "ghost"');
    await runCli(home, ['server', 'add', 'real', 'https://example.com/mcp']);
    const other = await runCli(home, ['server', 'remove', 'ghost']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('registered: real');
  });
});
