import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { putServer } from '../registry/registry.js';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';

let gateway: TestGateway | undefined;
const previousUmask = process.umask();

afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  process.umask(previousUmask);
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe('files the gateway creates', () => {
  it('are private from the moment they exist, even under umask 022', async () => {
    process.umask(0o022);
    const parent = mkdtempSync(join(tmpdir(), 'mcp-gateway-modes-'));
    const home = join(parent, 'nested', 'home');
    try {
      gateway = await startTestGateway({}, home);
      // A write makes SQLite create the -wal and -shm files.
      const response = await fetch(`${gateway.url}/s/none/mcp`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(404);
      gateway.writer.flushSync();
      expect(mode(home)).toBe(0o700);
      await putServer(join(home, 'mcp.json'), 'added', { url: 'http://127.0.0.1:9/mcp' }, { replace: false });
      for (const file of ['logs.db', 'logs.db-wal', 'logs.db-shm', 'mcp.json', 'gateway.json']) {
        expect(mode(join(home, file)), file).toBe(0o600);
      }
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
