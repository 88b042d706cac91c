import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './index.js';
import { validName, uniqueName } from './names.js';
import { tomlDocument } from './toml-document.js';
import { jsonDocument } from './json-document.js';
import type { ClientContext, ClientId } from './types.js';

const linux: ClientContext = { platform: 'linux', home: '/home/ann', env: {}, project: '/home/ann/app' };
const mac: ClientContext = { platform: 'darwin', home: '/Users/ann', env: {}, project: '/Users/ann/app' };
const windows: ClientContext = { platform: 'win32', home: 'C:\\Users\\ann', env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, project: 'C:\\src\\app' };

const files = (id: ClientId, context: ClientContext) => [...new Set(ADAPTERS[id].locations(context).map((l) => `${l.scope}:${l.file}`))];

describe('client config paths per OS', () => {
  it.each<[ClientId, string[], string[], string[]]>([
    ['claude-desktop', ['user:/home/ann/.config/Claude/claude_desktop_config.json'], ['user:/Users/ann/Library/Application Support/Claude/claude_desktop_config.json'], ['user:C:\\Users\\ann\\AppData\\Roaming\\Claude\\claude_desktop_config.json']],
    ['claude-code', ['user:/home/ann/.claude.json', 'local:/home/ann/.claude.json', 'project:/home/ann/app/.mcp.json'], ['user:/Users/ann/.claude.json', 'local:/Users/ann/.claude.json', 'project:/Users/ann/app/.mcp.json'], ['user:C:\\Users\\ann\\.claude.json', 'local:C:\\Users\\ann\\.claude.json', 'project:C:\\src\\app\\.mcp.json']],
    ['cursor', ['user:/home/ann/.cursor/mcp.json', 'project:/home/ann/app/.cursor/mcp.json'], ['user:/Users/ann/.cursor/mcp.json', 'project:/Users/ann/app/.cursor/mcp.json'], ['user:C:\\Users\\ann\\.cursor\\mcp.json', 'project:C:\\src\\app\\.cursor\\mcp.json']],
    ['vscode', ['user:/home/ann/.config/Code/User/mcp.json', 'project:/home/ann/app/.vscode/mcp.json'], ['user:/Users/ann/Library/Application Support/Code/User/mcp.json', 'project:/Users/ann/app/.vscode/mcp.json'], ['user:C:\\Users\\ann\\AppData\\Roaming\\Code\\User\\mcp.json', 'project:C:\\src\\app\\.vscode\\mcp.json']],
    ['windsurf', ['user:/home/ann/.codeium/windsurf/mcp_config.json'], ['user:/Users/ann/.codeium/windsurf/mcp_config.json'], ['user:C:\\Users\\ann\\.codeium\\windsurf\\mcp_config.json']],
    ['zed', ['user:/home/ann/.config/zed/settings.json', 'project:/home/ann/app/.zed/settings.json'], ['user:/Users/ann/.config/zed/settings.json', 'project:/Users/ann/app/.zed/settings.json'], ['user:C:\\Users\\ann\\AppData\\Roaming\\Zed\\settings.json', 'project:C:\\src\\app\\.zed\\settings.json']],
    ['codex', ['user:/home/ann/.codex/config.toml', 'project:/home/ann/app/.codex/config.toml'], ['user:/Users/ann/.codex/config.toml', 'project:/Users/ann/app/.codex/config.toml'], ['user:C:\\Users\\ann\\.codex\\config.toml', 'project:C:\\src\\app\\.codex\\config.toml']],
    ['gemini', ['user:/home/ann/.gemini/settings.json', 'project:/home/ann/app/.gemini/settings.json'], ['user:/Users/ann/.gemini/settings.json', 'project:/Users/ann/app/.gemini/settings.json'], ['user:C:\\Users\\ann\\.gemini\\settings.json', 'project:C:\\src\\app\\.gemini\\settings.json']],
  ])('%s on Linux, macOS and Windows', (id, onLinux, onMac, onWindows) => {
    expect(files(id, linux)).toEqual(onLinux);
    expect(files(id, mac)).toEqual(onMac);
    expect(files(id, windows)).toEqual(onWindows);
  });

  it('honours XDG_CONFIG_HOME, CODEX_HOME and CLAUDE_CONFIG_DIR', () => {
    const env = { XDG_CONFIG_HOME: '/cfg', CODEX_HOME: '/codex', CLAUDE_CONFIG_DIR: '/claude' };
    expect(files('zed', { ...linux, env })[0]).toBe('user:/cfg/zed/settings.json');
    expect(files('codex', { ...linux, env })[0]).toBe('user:/codex/config.toml');
    expect(files('claude-code', { ...linux, env })[0]).toBe('user:/claude/.claude.json');
  });
});

describe('names', () => {
  it.each([
    ['github', 'github'],
    ['My Server', 'My-Server'],
    ['@scope/pkg', 'scope-pkg'],
    ['local.db', 'local-db'],
    ['ünïcode', 'unicode'],
    ['---', 'server'],
    ['x'.repeat(80), 'x'.repeat(64)],
  ])('%j becomes %j', (name, valid) => expect(validName(name)).toBe(valid));

  it('adds -2, -3 to a taken name', () => {
    const taken = new Set(['a', 'a-2']);
    expect(uniqueName('a', (n) => taken.has(n))).toBe('a-3');
  });
});

describe('targeted edits', () => {
  it('TOML: a server given in dotted keys gets its url in the same form, and nothing else moves', () => {
    const text = '# keep\n[mcp_servers]\nfiles.command = "npx" # the command\nfiles.args = ["x"]\nfiles.enabled = true\n\n[other]\na = 1\n';
    const out = tomlDocument('f.toml', text, 'Codex').edit([{ container: ['mcp_servers'], name: 'files', edit: { remove: ['command', 'args'], set: { url: 'http://127.0.0.1:3333/s/files/mcp' } } }]);
    expect(out).toBe('# keep\n[mcp_servers]\nfiles.url = "http://127.0.0.1:3333/s/files/mcp"\nfiles.enabled = true\n\n[other]\na = 1\n');
  });

  it('TOML: a quoted server name in a table header, CRLF line ends', () => {
    const text = '[mcp_servers."my server"]\r\ncommand = "npx"\r\n\r\n[x]\r\n';
    const out = tomlDocument('f.toml', text, 'Codex').edit([{ container: ['mcp_servers'], name: 'my server', edit: { remove: ['command'], set: { url: 'http://h/s/my-server/mcp' } } }]);
    expect(out).toBe('[mcp_servers."my server"]\r\nurl = "http://h/s/my-server/mcp"\r\n\r\n[x]\r\n');
  });

  it('JSON: one-line entries stay on one line, a BOM and tabs stay', () => {
    const text = '\uFEFF{\n\t"mcpServers": {\n\t\t"a": { "command": "npx", "args": ["x"], "keep": 1 }\n\t}\n}\n';
    const out = jsonDocument('f.json', text, 'Cursor').edit([{ container: ['mcpServers'], name: 'a', edit: { remove: ['command', 'args'], set: { url: 'http://h/s/a/mcp' } } }]);
    expect(out).toBe('\uFEFF{\n\t"mcpServers": {\n\t\t"a": { "url": "http://h/s/a/mcp", "keep": 1 }\n\t}\n}\n');
  });
});
