import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayStartError, startGateway, type RunningGateway } from './server.js';

const started: RunningGateway[] = [];
const homes: string[] = [];
const home = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gateway-start-'));
  homes.push(dir);
  return dir;
};
const quiet = () => undefined;

afterEach(async () => {
  for (const gateway of started.splice(0)) await gateway.close();
  for (const dir of homes.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('startGateway', () => {
  it('refuses a non-loopback address', async () => {
    const saved = process.env.MCP_GATEWAY_TOKEN;
    delete process.env.MCP_GATEWAY_TOKEN;
    try {
      await expect(startGateway({ home: home(), host: '0.0.0.0', port: 0, log: quiet })).rejects.toThrow(/Refusing to listen on 0\.0\.0\.0 without MCP_GATEWAY_TOKEN/);
    } finally {
      if (saved !== undefined) process.env.MCP_GATEWAY_TOKEN = saved;
    }
  });

  it('answers on another loopback address it was bound to', async () => {
    const gateway = await startGateway({ home: home(), host: '127.0.0.2', port: 0, log: quiet });
    started.push(gateway);
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    const response = await fetch(`${gateway.url}/api/health`, { headers: { authorization: `Bearer ${gateway.token}` } });
    expect(response.status).toBe(200);
  });

  it('says clearly when the port is taken', async () => {
    const first = await startGateway({ home: home(), port: 0, log: quiet });
    started.push(first);
    const error = await startGateway({ home: home(), port: first.port, log: quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayStartError);
    expect((error as Error).message).toContain(`Port ${first.port} on 127.0.0.1 is in use`);
  });

  it('writes gateway.json for the CLI and removes it on close', async () => {
    const dir = home();
    const gateway = await startGateway({ home: dir, port: 0, log: quiet });
    expect(existsSync(join(dir, 'gateway.json'))).toBe(true);
    await gateway.close();
    expect(existsSync(join(dir, 'gateway.json'))).toBe(false);
  });

  it('names the file when the database is not a database', async () => {
    const dir = home();
    writeFileSync(join(dir, 'logs.db'), 'this is not sqlite'.repeat(100));
    const error = await startGateway({ home: dir, port: 0, log: quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayStartError);
    expect((error as Error).message).toContain(join(dir, 'logs.db'));
    expect((error as Error).message).toContain('Move the file away');
  });

  it('names the file and the problem when mcp.json is corrupt, and leaves it as it was', async () => {
    const dir = home();
    writeFileSync(join(dir, 'mcp.json'), '{"mcpServers": {"a": ');
    await expect(startGateway({ home: dir, port: 0, log: quiet })).rejects.toThrow(`${join(dir, 'mcp.json')}: is not valid JSON`);
  });
});
