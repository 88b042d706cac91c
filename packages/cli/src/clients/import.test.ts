import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseJsonc } from 'jsonc-parser';
import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../test-support/cli.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

let root: string;
let userHome: string;
let project: string;
let gatewayHome: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mcp-gateway-import-'));
  userHome = join(root, 'home');
  project = join(root, 'project');
  gatewayHome = join(root, 'gateway');
  mkdirSync(userHome);
  mkdirSync(project);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The CLI with a temporary HOME: no test reads or writes the real client configs. */
function cli(...args: string[]): Promise<CliResult> {
  return runCli(gatewayHome, args, { HOME: userHome, XDG_CONFIG_HOME: '', CODEX_HOME: '', CLAUDE_CONFIG_DIR: '', APPDATA: '' });
}

function place(fixture: string, at: string): string {
  mkdirSync(dirname(at), { recursive: true });
  const text = readFileSync(join(FIXTURES, fixture), 'utf8').replaceAll('__PROJECT__', project);
  writeFileSync(at, text, { mode: 0o644 });
  return at;
}

function registry(): Record<string, Record<string, unknown>> {
  return (JSON.parse(readFileSync(join(gatewayHome, 'mcp.json'), 'utf8')) as { mcpServers: Record<string, Record<string, unknown>> }).mcpServers;
}

function parseFile(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  return (file.endsWith('.toml') ? getStaticTOMLValue(parseTOML(text)) : parseJsonc(text)) as Record<string, unknown>;
}

function get(value: unknown, path: string[]): Record<string, Record<string, unknown>> {
  let current = value;
  for (const key of path) current = (current as Record<string, unknown>)[key];
  return current as Record<string, Record<string, unknown>>;
}

interface Case {
  client: string;
  files: Array<{ fixture: string; at: () => string; container: string[] }>;
  /** gateway name → transport, and the client's name for it. */
  registers: Record<string, { transport: 'http' | 'sse' | 'stdio'; from: string }>;
  skipped: string[];
  /** Where a rewritten entry keeps the proxy URL (none: a command). */
  urlKey?: string;
  /** Keys of rewritten entries that must survive (unknown to the gateway). */
  kept: Array<[string, string]>;
}

const home = (...parts: string[]) => () => join(userHome, ...parts);
const proj = (...parts: string[]) => () => join(project, ...parts);

const CASES: Case[] = [
  {
    client: 'claude-desktop',
    files: [{ fixture: 'claude_desktop_config.json', at: home('.config', 'Claude', 'claude_desktop_config.json'), container: ['mcpServers'] }],
    registers: { filesystem: { transport: 'stdio', from: 'filesystem' }, 'github-api': { transport: 'stdio', from: 'github api' } },
    skipped: [],
    kept: [],
  },
  {
    client: 'claude-code',
    files: [
      { fixture: 'claude.json', at: home('.claude.json'), container: ['mcpServers'] },
      { fixture: 'dot-mcp.json', at: proj('.mcp.json'), container: ['mcpServers'] },
    ],
    registers: {
      sentry: { transport: 'http', from: 'sentry' },
      context7: { transport: 'stdio', from: 'context7' },
      'local-db': { transport: 'stdio', from: 'local.db' },
      linear: { transport: 'sse', from: 'linear' },
    },
    skipped: [],
    urlKey: 'url',
    kept: [],
  },
  {
    client: 'cursor',
    files: [
      { fixture: 'cursor-mcp.json', at: home('.cursor', 'mcp.json'), container: ['mcpServers'] },
      { fixture: 'cursor-project-mcp.json', at: proj('.cursor', 'mcp.json'), container: ['mcpServers'] },
    ],
    registers: {
      notion: { transport: 'http', from: 'notion' },
      playwright: { transport: 'stdio', from: 'playwright' },
      'docs-internal': { transport: 'http', from: 'docs@internal' },
    },
    skipped: [],
    urlKey: 'url',
    kept: [['playwright', 'autoApprove']],
  },
  {
    client: 'vscode',
    files: [{ fixture: 'vscode-mcp.json', at: proj('.vscode', 'mcp.json'), container: ['servers'] }],
    registers: { github: { transport: 'http', from: 'github' }, memory: { transport: 'stdio', from: 'memory' } },
    skipped: ['secrets'],
    urlKey: 'url',
    kept: [['memory', 'dev']],
  },
  {
    client: 'windsurf',
    files: [{ fixture: 'windsurf-mcp_config.json', at: home('.codeium', 'windsurf', 'mcp_config.json'), container: ['mcpServers'] }],
    registers: { stripe: { transport: 'http', from: 'stripe' }, git: { transport: 'stdio', from: 'git' } },
    skipped: [],
    urlKey: 'serverUrl',
    kept: [['stripe', 'alwaysAllow'], ['stripe', 'disabled'], ['git', 'disabledTools']],
  },
  {
    client: 'zed',
    files: [{ fixture: 'zed-settings.json', at: home('.config', 'zed', 'settings.json'), container: ['context_servers'] }],
    registers: {
      postgres: { transport: 'stdio', from: 'postgres' },
      'legacy-fetch': { transport: 'stdio', from: 'legacy-fetch' },
      remote: { transport: 'http', from: 'remote' },
    },
    skipped: ['mcp-server-github'],
    urlKey: 'url',
    kept: [['legacy-fetch', 'enabled']],
  },
  {
    client: 'codex',
    files: [{ fixture: 'codex-config.toml', at: home('.codex', 'config.toml'), container: ['mcp_servers'] }],
    registers: { docs: { transport: 'stdio', from: 'docs' }, figma: { transport: 'http', from: 'figma' }, time: { transport: 'stdio', from: 'time' } },
    skipped: [],
    urlKey: 'url',
    kept: [['docs', 'startup_timeout_sec'], ['figma', 'enabled_tools'], ['time', 'enabled']],
  },
  {
    client: 'gemini',
    files: [{ fixture: 'gemini-settings.json', at: home('.gemini', 'settings.json'), container: ['mcpServers'] }],
    registers: {
      weather: { transport: 'http', from: 'weather' },
      events: { transport: 'sse', from: 'events' },
      'py-tools': { transport: 'stdio', from: 'py tools' },
    },
    skipped: [],
    urlKey: 'httpUrl',
    kept: [['weather', 'timeout'], ['events', 'trust'], ['py-tools', 'includeTools']],
  },
];

function transportOf(entry: Record<string, unknown>): string {
  if (entry.command) return 'stdio';
  return entry.type === 'sse' ? 'sse' : 'http';
}

describe.each(CASES)('mcp-gateway import $client', (c) => {
  it('dry run changes nothing; --apply registers; --rewrite points the client at the gateway; restore gives the original bytes', async () => {
    const files = c.files.map((f) => ({ ...f, file: place(f.fixture, f.at()) }));
    const originals = files.map((f) => readFileSync(f.file));
    const before = files.map((f) => parseFile(f.file));

    const dry = await cli('import', c.client, '--project', project);
    expect(dry.code, dry.stderr).toBe(0);
    for (const { from } of Object.values(c.registers)) expect(dry.stdout).toContain(from);
    expect(dry.stdout).toContain('Nothing was changed');
    expect(existsSync(join(gatewayHome, 'mcp.json'))).toBe(false);
    files.forEach((f, i) => expect(readFileSync(f.file).equals(originals[i] as Buffer)).toBe(true));
    // Values are masked in the table.
    expect(dry.stdout).not.toMatch(/ghp_Fixture|sk_test_Fixture|zed-fixture-token/);

    const apply = await cli('import', c.client, '--project', project, '--apply');
    expect(apply.code, apply.stderr).toBe(0);
    const servers = registry();
    expect(Object.keys(servers).sort()).toEqual(Object.keys(c.registers).sort());
    for (const [name, { transport, from }] of Object.entries(c.registers)) {
      expect(transportOf(servers[name] ?? {}), name).toBe(transport);
      if (from !== name) expect(apply.stdout).toContain(`renamed ${JSON.stringify(from)} to ${name}`);
    }
    for (const skipped of c.skipped) expect(apply.stdout).toContain(`skipped ${skipped}:`);
    files.forEach((f, i) => expect(readFileSync(f.file).equals(originals[i] as Buffer)).toBe(true));

    const rewrite = await cli('import', c.client, '--project', project, '--apply', '--rewrite', '--no-start');
    expect(rewrite.code, rewrite.stderr).toBe(0);
    expect(rewrite.stdout).toContain(`mcp-gateway restore ${c.client}`);
    const after = files.map((f) => parseFile(f.file));
    for (const [name, { from }] of Object.entries(c.registers)) {
      const i = files.findIndex((f, j) => from in (get(before[j], f.container) ?? {}) || (c.client === 'claude-code' && from in (get(before[j], ['projects', project, 'mcpServers']) ?? {})));
      const container = from === 'local.db' ? ['projects', project, 'mcpServers'] : (files[i] as Case['files'][number]).container;
      const entry = get(after[i], container)[from] as Record<string, unknown>;
      if (c.urlKey) {
        expect(entry[c.urlKey], name).toBe(`http://127.0.0.1:3333/s/${name}/mcp`);
        expect(entry.command, name).toBeUndefined();
        expect(entry.env, name).toBeUndefined();
      } else {
        expect(entry.command).toBe(process.execPath);
        expect(entry.args).toEqual([expect.stringMatching(/[\\/]cli[\\/]dist[\\/]main\.js$/), '--home', gatewayHome, 'connect', name]);
        expect(entry.env).toBeUndefined();
      }
    }
    for (const [name, key] of c.kept) {
      const from = c.registers[name]?.from ?? name;
      const i = files.findIndex((f, j) => from in (get(before[j], f.container) ?? {}));
      const container = (files[i] as Case['files'][number]).container;
      expect(get(after[i], container)[from]?.[key], `${name}.${key}`).toEqual(get(before[i], container)[from]?.[key]);
    }
    for (const skipped of c.skipped) {
      const i = files.findIndex((f, j) => skipped in (get(before[j], f.container) ?? {}));
      const container = (files[i] as Case['files'][number]).container;
      expect(get(after[i], container)[skipped]).toEqual(get(before[i], container)[skipped]);
    }
    files.forEach((f, i) => {
      const text = readFileSync(f.file, 'utf8');
      const original = (originals[i] as Buffer).toString('utf8');
      // Comments, and keys outside the servers, survive.
      for (const line of original.split('\n').filter((l) => /^\s*(\/\/|#)/.test(l))) expect(text, f.file).toContain(line.trim());
      const { [f.container[0] as string]: _servers, projects: _projects, ...rest } = before[i] as Record<string, unknown>;
      const { [f.container[0] as string]: _s, projects: _p, ...restAfter } = after[i] as Record<string, unknown>;
      expect(restAfter).toEqual(rest);
      expect(statSync(f.file).mode & 0o777).toBe(0o644);
    });
    const backups = readdirSync(join(gatewayHome, 'backups'));
    expect(backups).toContain('rewrites.json');
    for (const name of backups) expect(statSync(join(gatewayHome, 'backups', name)).mode & 0o777).toBe(0o600);

    const restore = await cli('restore', c.client);
    expect(restore.code, restore.stderr).toBe(0);
    files.forEach((f, i) => expect(readFileSync(f.file).equals(originals[i] as Buffer), f.file).toBe(true));
  });
});

describe('import details', () => {
  it('moves headers into mcp.json, keeps what only the client can fill in, and translates variable references', async () => {
    place('codex-config.toml', join(userHome, '.codex', 'config.toml'));
    place('vscode-mcp.json', join(project, '.vscode', 'mcp.json'));
    place('claude.json', join(userHome, '.claude.json'));
    expect((await cli('import', 'codex', '--apply', '--rewrite', '--no-start')).code).toBe(0);
    expect((await cli('import', 'vscode', '--project', project, '--apply', '--rewrite', '--no-start')).code).toBe(0);
    const claude = await cli('import', 'claude-code', '--project', project, '--apply', '--rewrite', '--no-start');
    expect(claude.code, claude.stderr).toBe(0);
    const servers = registry();
    expect(servers.figma).toMatchObject({ type: 'http', url: 'https://mcp.figma.com/mcp', headers: { 'X-Figma-Region': 'us-east-1', Authorization: 'Bearer ${env:FIGMA_OAUTH_TOKEN}' } });
    expect(servers.docs).toMatchObject({ command: 'npx', args: ['-y', 'mcp-server-docs'], env: { DOCS_ROOT: '/srv/docs', DOCS_TOKEN: '${env:DOCS_TOKEN}' } });
    expect(servers.github).toMatchObject({ headers: { 'X-MCP-Toolsets': 'repos,issues' } });
    expect((servers.github?.headers as Record<string, string>).Authorization).toBeUndefined();
    expect(servers.memory).toMatchObject({ env: { MEMORY_FILE_PATH: `${project}/.memory.json` } });
    expect(servers.sentry).toMatchObject({ headers: { Authorization: 'Bearer ${env:SENTRY_TOKEN}' } });
    expect(servers['local-db']).toMatchObject({ command: 'uvx', env: { LOG_LEVEL: 'debug' } });
    expect(claude.stdout).toContain('the gateway needs SENTRY_TOKEN in its environment');

    const vscode = parseFile(join(project, '.vscode', 'mcp.json'));
    expect(get(vscode, ['servers']).github).toEqual({ type: 'http', url: 'http://127.0.0.1:3333/s/github/mcp', headers: { Authorization: 'Bearer ${input:github-token}' } });
    expect((vscode.inputs as unknown[]).length).toBe(1);
    const codexText = readFileSync(join(userHome, '.codex', 'config.toml'), 'utf8');
    expect(codexText).not.toContain('[mcp_servers.docs.env]');
    expect(codexText).toContain('time = { enabled = true, url = "http://127.0.0.1:3333/s/time/mcp" }');
    expect(codexText).toContain('[mcp_servers.docs]\nurl = "http://127.0.0.1:3333/s/docs/mcp"\n# the documentation server\nstartup_timeout_sec = 20\n');
  });

  it('skips a name that is already registered with a line, and does not rewrite its entry, unless --force', async () => {
    const file = place('cursor-mcp.json', join(userHome, '.cursor', 'mcp.json'));
    expect((await cli('server', 'add', 'notion', 'http://127.0.0.1:9/other')).code).toBe(0);
    const result = await cli('import', 'cursor', '--project', project, '--apply', '--rewrite', '--no-start');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('skipped notion: a different server named "notion" is already registered; pass --force to replace it');
    expect(registry().notion?.url).toBe('http://127.0.0.1:9/other');
    const servers = get(parseFile(file), ['mcpServers']);
    expect(servers.notion?.url).toBe('https://mcp.notion.com/mcp');
    expect(servers.playwright?.url).toBe('http://127.0.0.1:3333/s/playwright/mcp');

    const forced = await cli('import', 'cursor', '--project', project, '--apply', '--rewrite', '--no-start', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(registry().notion?.url).toBe('https://mcp.notion.com/mcp');
    expect(get(parseFile(file), ['mcpServers']).notion?.url).toBe('http://127.0.0.1:3333/s/notion/mcp');

    // Two rewrites, one restore: the file before the first.
    expect((await cli('restore', 'cursor')).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(FIXTURES, 'cursor-mcp.json'), 'utf8'));
  });

  it('uses the port of the running gateway or --port, and passes --port to connect when it is not 3333', async () => {
    const file = place('claude_desktop_config.json', join(userHome, '.config', 'Claude', 'claude_desktop_config.json'));
    expect((await cli('import', 'claude-desktop', '--apply', '--rewrite', '--no-start', '--port', '4555')).code).toBe(0);
    const entry = get(parseFile(file), ['mcpServers']).filesystem as { args: string[] };
    expect(entry.args.slice(1)).toEqual(['--home', gatewayHome, 'connect', 'filesystem', '--port', '4555']);
  });

  it('restore refuses a file changed since the rewrite (exit 2, nothing written) unless --force, which backs the edit up first', async () => {
    const file = place('windsurf-mcp_config.json', join(userHome, '.codeium', 'windsurf', 'mcp_config.json'));
    const original = readFileSync(file);
    expect((await cli('import', 'windsurf', '--apply', '--rewrite', '--no-start')).code).toBe(0);
    const edited = `${readFileSync(file, 'utf8')}\n`;
    writeFileSync(file, edited);
    const refused = await cli('restore', 'windsurf');
    expect(refused.code).toBe(2);
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(`${file} changed since mcp-gateway rewrote it`);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(file, 'utf8')).toBe(edited);

    const forced = await cli('restore', 'windsurf', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(file).equals(original)).toBe(true);
    const saved = readdirSync(join(gatewayHome, 'backups')).filter((n) => n !== 'rewrites.json').map((n) => readFileSync(join(gatewayHome, 'backups', n), 'utf8'));
    expect(saved).toContain(edited);
    // Nothing left to restore.
    expect((await cli('restore', 'windsurf')).code).toBe(2);
  });

  it('restore --all restores every client that was rewritten', async () => {
    const cursorFile = place('cursor-mcp.json', join(userHome, '.cursor', 'mcp.json'));
    const desktopFile = place('claude_desktop_config.json', join(userHome, '.config', 'Claude', 'claude_desktop_config.json'));
    const originals = [readFileSync(cursorFile), readFileSync(desktopFile)];
    expect((await cli('import', 'cursor', '--project', project, '--apply', '--rewrite', '--no-start')).code).toBe(0);
    expect((await cli('import', 'claude-desktop', '--apply', '--rewrite', '--no-start')).code).toBe(0);
    expect(readFileSync(cursorFile).equals(originals[0] as Buffer)).toBe(false);
    const result = await cli('restore', '--all');
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(cursorFile).equals(originals[0] as Buffer)).toBe(true);
    expect(readFileSync(desktopFile).equals(originals[1] as Buffer)).toBe(true);
  });

  it('rewrites the file a symlink points to, and keeps the symlink', async () => {
    const real = place('cursor-mcp.json', join(root, 'dotfiles', 'cursor.json'));
    mkdirSync(join(userHome, '.cursor'));
    symlinkSync(real, join(userHome, '.cursor', 'mcp.json'));
    expect((await cli('import', 'cursor', '--project', project, '--apply', '--rewrite', '--no-start')).code).toBe(0);
    expect(lstatSync(join(userHome, '.cursor', 'mcp.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain('/s/notion/mcp');
    expect((await cli('restore', 'cursor')).code).toBe(0);
    expect(readFileSync(real, 'utf8')).toBe(readFileSync(join(FIXTURES, 'cursor-mcp.json'), 'utf8'));
  });
});

describe('scopes', () => {
  it('run from the home folder, the project file is the user file, and its servers are found once', async () => {
    place('cursor-mcp.json', join(userHome, '.cursor', 'mcp.json'));
    const result = await cli('import', 'cursor', '--project', userHome);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Cursor: 2 servers in ~/.cursor/mcp.json (user)');
  });
});

describe('as a new user would', () => {
  it('with a Cursor and a Claude Desktop config in place, two commands put the gateway in front of both and one takes it out', async () => {
    const port = await freePort();
    const cursorFile = place('cursor-mcp.json', join(userHome, '.cursor', 'mcp.json'));
    const desktopFile = place('claude_desktop_config.json', join(userHome, '.config', 'Claude', 'claude_desktop_config.json'));
    const originals = [readFileSync(cursorFile), readFileSync(desktopFile)];
    try {
      const cursor = await cli('import', 'cursor', '--apply', '--rewrite', '--port', String(port));
      expect(cursor.code, cursor.stderr).toBe(0);
      // Cursor reaches the gateway by URL: one was started for it, and outlives the import.
      expect(cursor.stdout).toContain(`started a gateway for ${gatewayHome} in the background on port ${port}`);
      const health = await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { authorization: `Bearer ${readFileSync(join(gatewayHome, 'token'), 'utf8').trim()}` } });
      expect(health.status).toBe(200);
      expect(get(parseFile(cursorFile), ['mcpServers']).notion?.url).toBe(`http://127.0.0.1:${port}/s/notion/mcp`);
      const desktop = await cli('import', 'claude-desktop', '--apply', '--rewrite');
      expect(desktop.code, desktop.stderr).toBe(0);
      // The running gateway's port wins, and is written into the connect command.
      expect((get(parseFile(desktopFile), ['mcpServers']).filesystem?.args as string[]).slice(-2)).toEqual(['--port', String(port)]);

      const restore = await cli('restore', '--all');
      expect(restore.code, restore.stderr).toBe(0);
      expect(readFileSync(cursorFile).equals(originals[0] as Buffer)).toBe(true);
      expect(readFileSync(desktopFile).equals(originals[1] as Buffer)).toBe(true);
    } finally {
      await cli('stop');
    }
  });
});

describe('import errors: one line naming the path and the fix, exit 2, nothing written', () => {
  async function expectOneLine(result: CliResult, ...fragments: string[]): Promise<void> {
    expect(result.code, result.stdout + result.stderr).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    for (const fragment of fragments) expect(lines[0]).toContain(fragment);
    expect(existsSync(join(gatewayHome, 'mcp.json'))).toBe(false);
    expect(existsSync(join(gatewayHome, 'backups'))).toBe(false);
  }

  it.each([
    ['cursor', ['.cursor', 'mcp.json'], '{ "mcpServers": { "a": { "url": "http://x" }, } ', 'is not valid JSON'],
    ['codex', ['.codex', 'config.toml'], '[mcp_servers.a]\ncommand = \n', 'is not valid TOML'],
    ['gemini', ['.gemini', 'settings.json'], '[1, 2]', 'must hold a JSON object'],
    ['windsurf', ['.codeium', 'windsurf', 'mcp_config.json'], '{"mcpServers": []}', '"mcpServers" must be an object'],
  ])('a %s file that does not parse', async (client, parts, text, problem) => {
    const file = join(userHome, ...parts);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    await expectOneLine(await cli('import', client, '--apply', '--rewrite', '--no-start'), file, problem, 'nothing was changed');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('a missing file', async () => {
    await expectOneLine(await cli('import', 'cursor', '--project', project), 'no Cursor config found', join(userHome, '.cursor', 'mcp.json'), '--file');
    await expectOneLine(await cli('import', 'zed', '--file', join(root, 'nope.json')), `${join(root, 'nope.json')} does not exist`);
  });

  it('an unknown client, --rewrite without --apply, a project that is not a folder', async () => {
    await expectOneLine(await cli('import', 'emacs'), 'unknown client "emacs"', 'claude-desktop, claude-code, cursor');
    place('cursor-mcp.json', join(userHome, '.cursor', 'mcp.json'));
    await expectOneLine(await cli('import', 'cursor', '--rewrite'), '--rewrite', 'needs --apply');
    await expectOneLine(await cli('import', 'cursor', '--project', join(root, 'nope')), 'is not a folder');
    await expectOneLine(await cli('restore', 'emacs'), 'unknown client "emacs"');
  });
});
