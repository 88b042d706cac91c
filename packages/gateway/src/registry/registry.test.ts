import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually } from '../test-support/gateway.js';
import { RegistryError, readRegistry } from './file.js';
import { LiveRegistry, RegistryInputError, deleteServer, putServer } from './registry.js';

const home = () => mkdtempSync(join(tmpdir(), 'mcp-gateway-registry-'));

describe('mcp.json', () => {
  it('reads the shape Claude Desktop and Cursor use, keeping unknown keys on rewrite', async () => {
    const dir = home();
    const file = join(dir, 'mcp.json');
    writeFileSync(
      file,
      JSON.stringify({
        theme: 'dark',
        mcpServers: {
          web: { url: 'https://example.com/mcp', headers: { Authorization: 'Bearer x' }, alwaysAllow: ['a'] },
          local: { command: 'npx', args: ['-y', 'server'], env: { KEY: 'v' }, cwd: '/tmp', type: 'stdio' },
        },
      }),
    );
    const { parsed } = readRegistry(file);
    expect(Object.keys(parsed.mcpServers)).toEqual(['web', 'local']);
    await putServer(file, 'other', { url: 'http://127.0.0.1:1/mcp' }, { replace: false });
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { mcpServers: Record<string, Record<string, unknown>> };
    expect(written.theme).toBe('dark');
    expect(written.mcpServers.web?.alwaysAllow).toEqual(['a']);
    expect(Object.keys(written.mcpServers)).toEqual(['web', 'local', 'other']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['{"mcpServers": {', /not valid JSON/],
    ['[1,2]', /must hold a JSON object/],
    ['{"mcpServers": {"x": {"url": "ftp://a"}}}', /mcpServers\.x\.url: url must be an absolute http/],
    ['{"mcpServers": {"x": {}}}', /needs "url".*or "command"/],
    ['{"mcpServers": {"x": {"url": "http://a", "command": "b"}}}', /either "url" or "command"/],
    ['{"mcpServers": {"bad/name": {"url": "http://a"}}}', /server name "bad\/name" is invalid/],
    ['{"mcpServers": {"x": {"url": "http://a", "headers": {"X": "a\\r\\nInjected: 1"}}}}', /line breaks/],
  ])('refuses %s with a message naming the file and the problem, and never overwrites it', async (text, problem) => {
    const file = join(home(), 'mcp.json');
    writeFileSync(file, text);
    expect(() => readRegistry(file)).toThrow(RegistryError);
    expect(() => readRegistry(file)).toThrow(problem);
    expect(() => readRegistry(file)).toThrow(file);
    await expect(putServer(file, 'y', { url: 'http://127.0.0.1:1/mcp' }, { replace: false })).rejects.toThrow(RegistryError);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it.each(['', '-lead', 'a'.repeat(65), 'has space', 'dot.name', '../etc', 'ünï', 'a/b'])('refuses the server name %j', async (name) => {
    const file = join(home(), 'mcp.json');
    await expect(putServer(file, name, { url: 'http://127.0.0.1:1/mcp' }, { replace: false })).rejects.toThrow(RegistryInputError);
  });

  it('accepts names of letters, digits, - and _ up to 64 characters', async () => {
    const file = join(home(), 'mcp.json');
    for (const name of ['a', '9lives', 'my-server_2', 'a'.repeat(64)]) {
      await putServer(file, name, { url: 'http://127.0.0.1:1/mcp' }, { replace: false });
    }
    expect(Object.keys(readRegistry(file).parsed.mcpServers)).toHaveLength(4);
  });

  it('refuses duplicates and names that differ only in case', async () => {
    const file = join(home(), 'mcp.json');
    await putServer(file, 'Alpha', { url: 'http://127.0.0.1:1/mcp' }, { replace: false });
    await expect(putServer(file, 'Alpha', { url: 'http://127.0.0.1:2/mcp' }, { replace: false })).rejects.toThrow(/already exists/);
    await expect(putServer(file, 'alpha', { url: 'http://127.0.0.1:2/mcp' }, { replace: false })).rejects.toThrow(/only in case/);
    await expect(deleteServer(file, 'beta')).rejects.toThrow(/no server named "beta"; registered: Alpha/);
  });

  it('loses no entry when many processes write at once', async () => {
    const file = join(home(), 'mcp.json');
    const script = fileURLToPath(new URL('../test-support/put-server.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const writers = Array.from({ length: 4 }, (_, w) =>
      new Promise<number>((resolve) => {
        const child = spawn(tsx, [script, file, `w${w}`, '5'], { stdio: 'inherit' });
        child.on('exit', (code) => resolve(code ?? 1));
      }),
    );
    const inProcess = Array.from({ length: 10 }, (_, i) => putServer(file, `p${i}`, { url: 'http://127.0.0.1:1/mcp' }, { replace: false }));
    await Promise.all(inProcess);
    expect(await Promise.all(writers)).toEqual(Array(4).fill(0));
    expect(Object.keys(readRegistry(file).parsed.mcpServers)).toHaveLength(4 * 5 + 10);
  }, 60_000);
});

describe('LiveRegistry', () => {
  it('sees servers added and removed by another writer within a second', async () => {
    const file = join(home(), 'mcp.json');
    const live = new LiveRegistry({ file });
    try {
      expect(live.names()).toEqual([]);
      await putServer(file, 'late', { url: 'http://127.0.0.1:1/mcp' }, { replace: false });
      await eventually(() => live.get('late'), 1000);
      await deleteServer(file, 'late');
      await eventually(() => live.get('late') === undefined, 1000);
    } finally {
      live.close();
    }
  });

  it('sees a write that lands right after it was read, before its first poll', async () => {
    const file = join(home(), 'mcp.json');
    const live = new LiveRegistry({ file, pollMs: 20 });
    try {
      // Synchronously after the constructor's read, as another process might.
      writeFileSync(file, JSON.stringify({ mcpServers: { early: { url: 'http://127.0.0.1:1/mcp' } } }));
      await eventually(() => live.get('early'), 2000);
      // Same size, same second: only the content and the nanosecond times differ.
      writeFileSync(file, JSON.stringify({ mcpServers: { earlx: { url: 'http://127.0.0.1:1/mcp' } } }));
      await eventually(() => live.get('earlx'), 2000);
    } finally {
      live.close();
    }
  });

  it('keeps the last good servers when the file turns invalid, and says why once', async () => {
    const file = join(home(), 'mcp.json');
    await putServer(file, 'kept', { url: 'http://127.0.0.1:1/mcp' }, { replace: false });
    const errors: string[] = [];
    const live = new LiveRegistry({ file, onError: (m) => errors.push(m) });
    try {
      writeFileSync(file, '{"mcpServers": {"kept": ');
      await eventually(() => live.lastError(), 1500);
      expect(live.get('kept')).toBeDefined();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('not valid JSON');
    } finally {
      live.close();
    }
  });
});
