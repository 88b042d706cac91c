import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHome } from './test-support/cli.js';

let home: string;
let cleanup: () => void;
beforeEach(() => {
  ({ home, cleanup } = tempHome());
});
afterEach(() => cleanup());

/** A usage error: exit 2 and exactly one line on stderr. */
async function expectUsageError(args: string[], ...fragments: string[]): Promise<string> {
  const result = await runCli(home, args);
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
  return lines[0] ?? '';
}

describe('help and version', () => {
  it.each([
    [[], ['start', 'server', 'logs', '--home', '--version']],
    [['start'], ['--port', '--host', 'MCP_GATEWAY_PORT', '--home']],
    [['server'], ['add', 'list', 'remove', 'health']],
    [['server', 'add'], ['--header', '--env', '--cwd', '--type', '--force', '--port', '--home', '-- <command>']],
    [['server', 'list'], ['--json', '--home']],
    [['server', 'remove'], ['<name>', '--home']],
    [['logs'], ['tail', 'export', 'import', 'clear']],
    [['logs', 'tail'], ['--server', '--follow', '--lines', '--json', '--home']],
    [['logs', 'export'], ['--server', '--format', '--out', 'jsonl', 'har', 'otlp', '--to', '--include-secrets', '--home']],
    [['logs', 'import'], ['<file>', '--home']],
    [['server', 'health'], ['<name>', '--json', '--home']],
    [['logs', 'clear'], ['--server', '--home']],
  ])('%j --help exits 0 and lists its options', async (command, mentions) => {
    const result = await runCli(home, [...command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const mention of mentions) expect(result.stdout).toContain(mention);
  });

  it('--version prints the version and exits 0', async () => {
    const result = await runCli(home, ['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('usage errors exit 2 with one line naming the fix', () => {
  it('unknown flag', async () => {
    await expectUsageError(['start', '--prot', '1'], "unknown option '--prot'", '--port', "Run 'mcp-gateway start --help'");
  });

  it('unknown flag of a subcommand', async () => {
    await expectUsageError(['server', 'list', '--jsno'], "'--jsno'", "Run 'mcp-gateway server list --help'");
  });

  it('unknown command', async () => {
    await expectUsageError(['strat'], "unknown command 'strat'", "Run 'mcp-gateway --help'");
    await expectUsageError(['server', 'ad', 'x'], "unknown command 'ad'", "Run 'mcp-gateway server --help'");
  });

  it('bad port, from the flag or from MCP_GATEWAY_PORT', async () => {
    await expectUsageError(['start', '--port', '70000'], "'70000'", '0 to 65535');
    await expectUsageError(['start', '--port', 'abc'], "'abc'", '0 to 65535');
    await expectUsageError(['server', 'add', 'x', 'https://example.com', '--port', '-1'], '0 to 65535');
    const fromEnv = await runCli(home, ['start'], { MCP_GATEWAY_PORT: '99999' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain("from env 'MCP_GATEWAY_PORT'");
  });

  it('bad server name', async () => {
    await expectUsageError(['server', 'add', 'bad name', 'https://example.com/mcp'], 'invalid server name', 'letters, digits');
    await expectUsageError(['server', 'add', '-x', 'https://example.com/mcp']);
  });

  it('bad header and env syntax', async () => {
    await expectUsageError(['server', 'add', 'x', 'https://example.com', '--header', 'foo'], '"Name: value"');
    await expectUsageError(['server', 'add', 'x', '--env', 'FOO', '--', 'node', 'server.js'], 'KEY=VALUE');
  });

  it('both a URL and a command, or neither', async () => {
    await expectUsageError(['server', 'add', 'x', 'https://example.com', '--', 'node'], 'not both');
    await expectUsageError(['server', 'add', 'x'], 'give a URL', '-- <command>');
    await expectUsageError(['server', 'add', 'x', './server.js'], 'not an http:// or https:// URL', 'mcp-gateway server add x -- ./server.js');
    await expectUsageError(['server', 'add', 'x', 'https://example.com', '--env', 'A=1'], '--env');
    await expectUsageError(['server', 'add', 'x', '--header', 'A: 1', '--', 'node'], '--header');
  });

  it('unsupported export format names the accepted one', async () => {
    await expectUsageError(['logs', 'export', '--format', 'csv'], "'csv'", 'jsonl');
  });

  it('missing argument', async () => {
    await expectUsageError(['server', 'remove'], "missing required argument 'name'");
  });
});
