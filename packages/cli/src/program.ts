import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT_USAGE, oneLine } from './errors.js';
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  PORT_ENV,
  collectEnv,
  collectHeader,
  parseAge,
  parseLimit,
  parseLineCount,
  parsePort,
  parseSince,
  type GlobalOptions,
} from './options.js';
import { CLI_VERSION } from './version.js';
import type { AlertsOptions, BaselineOptions, CheckOptions } from './commands/alerts.js';
import type { AuditOptions } from './commands/audit.js';
import type { ServerHealthOptions } from './commands/health.js';
import type { ServerLogsOptions } from './commands/server-logs.js';
import type { ClearLogsOptions, ExportLogsOptions } from './commands/logs.js';
import type { TailLogsOptions } from './commands/tail.js';
import type { AddServerOptions, ListServersOptions } from './commands/server.js';
import type { StartOptions } from './commands/start.js';
import type { ImportClientOptions } from './commands/client-import.js';
import type { RestoreOptions } from './commands/restore.js';
import type { ConnectOptions } from './commands/connect.js';
import type { DemoOptions } from './commands/demo.js';
import type { ReplayOptions, VerifyOptions } from './commands/replay.js';
import type { McpOptions } from './commands/mcp.js';
import type { TokenOptions } from './commands/token.js';
import type { AddFaultOptions, ListFaultsOptions } from './commands/fault.js';
import { parseCount, parseProbability, parseSeconds, parseWhole } from './fault-flags.js';

export interface ProgramContext {
  /**
   * The arguments after the first `--`, or null. Commander folds them into the
   * operands and forgets where `--` was, but `server add` must tell a URL from
   * a stdio command by it.
   */
  afterDashDash: string[] | null;
}

// Command modules load the gateway (SQLite, Hono, secretlint), so they are
// imported only when their command runs: `--help` and usage errors stay instant.

export function buildProgram(context: ProgramContext): Command {
  const program = new Command('mcp-gateway')
    .description(
      'Local debugging gateway for the Model Context Protocol: MCP clients connect to http://127.0.0.1:3333/s/<name>/mcp, ' +
        'the gateway proxies to the named upstream server and records every JSON-RPC message.',
    )
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for this command')
    .option('--home <dir>', 'gateway home folder with mcp.json and logs.db (default: $MCP_GATEWAY_HOME, else ~/.mcp-gateway)')
    .configureHelp({ showGlobalOptions: true })
    // Throw instead of exiting so run() decides the exit code (2 for usage errors).
    .exitOverride();

  addStartCommand(program);
  addServerCommands(program, context);
  addLogsCommands(program);
  addAuditCommand(program);
  addAlertCommands(program);
  addFaultCommands(program);
  addReplayCommands(program);
  addGatewayMcpCommands(program);
  addClientCommands(program);
  addBridgeCommands(program);
  addFirstRunCommands(program);
  program.addHelpText('after', '\nWith no command, mcp-gateway runs `start`.');

  installErrorOutput(program);
  return program;
}

function portOption(description: string): Option {
  return new Option('--port <port>', description).env(PORT_ENV).default(DEFAULT_PORT).argParser(parsePort);
}

function addStartCommand(program: Command): void {
  program
    .command('start', { isDefault: true })
    .description('run the gateway (what a bare `mcp-gateway` does)')
    .addOption(portOption('port to listen on; 0 picks any free port'))
    .option('--host <host>', 'loopback address to listen on', DEFAULT_HOST)
    // Being the default command, start receives any word commander did not
    // recognise as a command; the action reports it as an unknown command.
    .allowExcessArguments()
    .action(async (_options: unknown, command: Command) => {
      const stray = command.args[0];
      if (stray !== undefined) {
        const explicit = program.args[0] === 'start';
        if (explicit) command.error(`error: start takes no arguments, got '${stray}'`, { exitCode: EXIT_USAGE });
        program.error(`error: unknown command '${stray}'`, { exitCode: EXIT_USAGE, code: 'commander.unknownCommand' });
      }
      const { runStart } = await import('./commands/start.js');
      await runStart(command.optsWithGlobals<StartOptions>());
    });
}

function addServerCommands(program: Command, context: ProgramContext): void {
  const server = program.command('server').description('add, list and remove upstream servers (stored in <home>/mcp.json)');

  server
    .command('add')
    .description('register an upstream server: an HTTP URL, or a stdio command after --')
    .usage('[options] <name> <url>\n       mcp-gateway server add [options] <name> -- <command> [args...]')
    .argument('<name>', 'server name, used in the proxy URL: 1-64 letters, digits, "-" or "_"')
    .argument('[url]', 'upstream MCP endpoint (http:// or https://)')
    // The stdio command and its arguments arrive as extra operands.
    .allowExcessArguments()
    .option('--header <header>', 'HTTP header sent upstream, "Name: value" (repeatable)', collectHeader)
    .addOption(new Option('--type <type>', 'transport of a URL server').choices(['http', 'sse']))
    .option('--env <KEY=VALUE>', 'environment variable for a stdio server (repeatable)', collectEnv)
    .option('--cwd <dir>', 'working folder for a stdio server')
    .option('--force', 'replace a server of the same name')
    .addOption(portOption('gateway port for the printed proxy URL, when no gateway is running'))
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  mcp-gateway server add github https://api.githubcopilot.com/mcp/ --header "Authorization: Bearer $TOKEN"',
        '  mcp-gateway server add files --env ROOT=/tmp -- npx -y @modelcontextprotocol/server-filesystem /tmp',
        '',
        'stdio servers are started by the gateway, one process per client session.',
      ].join('\n'),
    )
    .action(async (name: string, _url: unknown, _options: unknown, command: Command) => {
      const { addServer } = await import('./commands/server.js');
      const flags = command.optsWithGlobals<Omit<AddServerOptions, 'name' | 'operands' | 'afterDashDash'>>();
      await addServer({ ...flags, name, operands: command.args.slice(1), afterDashDash: context.afterDashDash });
    });

  server
    .command('list')
    .description('show the registered servers and their proxy URLs (secrets masked)')
    .option('--json', 'print a JSON array instead of a table')
    .action(async (_options: unknown, command: Command) => {
      const { listServers } = await import('./commands/server.js');
      await listServers(command.optsWithGlobals<ListServersOptions>());
    });

  server
    .command('remove')
    .alias('rm')
    .description('unregister a server (its recorded messages are kept)')
    .argument('<name>', 'server name')
    .action(async (name: string, _options: unknown, command: Command) => {
      const { removeServer } = await import('./commands/server.js');
      await removeServer({ ...command.optsWithGlobals<GlobalOptions>(), name });
    });

  server
    .command('logs')
    .description("what a stdio server wrote to stderr (redacted), oldest first; from the running gateway, else from logs.db")
    .argument('<name>', 'server name')
    .option('--session <id>', 'only this session')
    .option('-n, --lines <count>', 'how many of the newest lines to show', parseLineCount, 200)
    .option('-f, --follow', 'keep printing new lines')
    .action(async (name: string, _options: unknown, command: Command) => {
      const { serverLogs } = await import('./commands/server-logs.js');
      await serverLogs({ ...command.optsWithGlobals<Omit<ServerLogsOptions, 'name'>>(), name });
    });

  server
    .command('health')
    .description('check whether a server answers (asks the running gateway, else checks from here); exits 1 when it is down')
    .argument('<name>', 'server name')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, _options: unknown, command: Command) => {
      const { serverHealth } = await import('./commands/health.js');
      await serverHealth({ ...command.optsWithGlobals<Omit<ServerHealthOptions, 'name'>>(), name });
    });
}

function addLogsCommands(program: Command): void {
  const logs = program.command('logs').description('show, export, import or clear the recorded messages (<home>/logs.db)');

  logs
    .command('tail')
    .description('show the last messages, oldest first; with --follow, keep showing new ones as the running gateway records them')
    .option('--server <name>', 'only messages of this server')
    .option('-f, --follow', 'keep printing new messages until interrupted (needs a running gateway)')
    .option('-n, --lines <count>', 'how many recent messages to show first, 0 to 1000', parseLineCount, 20)
    .option('--json', 'print each message as a JSON line (the export format) instead of a summary')
    .action(async (_options: unknown, command: Command) => {
      const { tailLogs } = await import('./commands/tail.js');
      await tailLogs(command.optsWithGlobals<TailLogsOptions>());
    });

  logs
    .command('export')
    .description('write the recorded messages as JSON Lines (oldest first), their HTTP exchanges as a HAR archive, or their calls as OpenTelemetry traces')
    .option('--server <name>', 'only messages of this server')
    .addOption(
      new Option('--format <format>', 'output format: jsonl, har (HTTP Archive 1.2, opens in Chrome DevTools), or otlp (OpenTelemetry traces as OTLP JSON, one request per line)')
        .choices(['jsonl', 'har', 'otlp'])
        .default('jsonl'),
    )
    .option('--include-secrets', 'har: keep masked headers (Authorization, Cookie, ...); their values stay redacted as stored')
    .option('--out <file>', 'write to this file (created private, 0600) instead of stdout')
    .option('--to <url>', "otlp: send to this OpenTelemetry collector's base URL (/v1/traces is appended) instead of writing")
    .action(async (_options: unknown, command: Command) => {
      const { exportLogs } = await import('./commands/logs.js');
      await exportLogs(command.optsWithGlobals<ExportLogsOptions>());
    });

  logs
    .command('import')
    .description('add the messages of a JSONL export (all or none; through the running gateway when there is one)')
    .argument('<file>', 'a file written by `mcp-gateway logs export`')
    .action(async (file: string, _options: unknown, command: Command) => {
      const { importLogs } = await import('./commands/import.js');
      await importLogs({ ...command.optsWithGlobals<GlobalOptions>(), file });
    });

  logs
    .command('clear')
    .description('delete recorded messages (through the running gateway when there is one)')
    .option('--server <name>', 'only messages of this server')
    .option('--older-than <age>', 'only messages recorded longer ago than this: 90s, 30m, 12h or 7d', parseAge)
    .action(async (_options: unknown, command: Command) => {
      const { clearLogs } = await import('./commands/logs.js');
      await clearLogs(command.optsWithGlobals<ClearLogsOptions>());
    });
}

function parseMessageId(value: string): number {
  if (!/^[1-9]\d{0,15}$/.test(value)) throw new InvalidArgumentError('expected a message id (a positive whole number, as the inspector and logs tail show)');
  return Number(value);
}

function collectPath(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function addReplayCommands(program: Command): void {
  program
    .command('replay')
    .description('send a recorded client request again (as recorded, or edited) and compare the answer with the recorded one; exits 1 if the server answers with an error')
    .argument('<id>', 'id of a recorded client request (from the inspector or `logs tail`)', parseMessageId)
    .option('--params <json>', "send these params instead of the recorded ones (a JSON object: the request's params)")
    .option('--edit', 'edit the recorded params in $VISUAL or $EDITOR first (a private temp file)')
    .option('--live', 'send in the original session, if it still exists (default: a fresh session)')
    .option('--yes', 'run a tool that is not marked read-only (readOnlyHint) without asking')
    .option('--json', "print the API's answer as JSON")
    .addHelpText('after', '\nWithout a running gateway, one is started for the command on the same home. What it sends is recorded with origin replay.')
    .action(async (id: number, _options: unknown, command: Command) => {
      const { replayMessage } = await import('./commands/replay.js');
      await replayMessage({ ...command.optsWithGlobals<Omit<ReplayOptions, 'id'>>(), id });
    });

  program
    .command('verify')
    .description("re-run every replayable request of a recorded session in one fresh session and compare each answer: a regression test for an MCP server; exits 1 if anything changed or failed")
    .argument('<session-id>', 'a recorded session id (from the inspector\'s sessions page)')
    .option('--server <name>', 'the server the session was recorded on (with --from: the registered server to run against)')
    .option('--from <export.jsonl>', 'read the session from a `logs export` file instead of the store (for CI)')
    .option('--ignore-path <path>', 'leave a JSON path out of the comparison, e.g. \'$.result.content[*].text\' (repeatable)', collectPath)
    .option('--yes', 'also re-run tools not marked read-only (otherwise they are skipped)')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nWorks with or without a running gateway (without one, it starts one for the command on the same home).')
    .action(async (session: string, _options: unknown, command: Command) => {
      const { verifySession } = await import('./commands/replay.js');
      await verifySession({ ...command.optsWithGlobals<Omit<VerifyOptions, 'session'>>(), session });
    });
}

function addGatewayMcpCommands(program: Command): void {
  program
    .command('mcp')
    .description("the gateway's own MCP server over stdio (the same tools as http://127.0.0.1:3333/gateway/mcp), for clients that only launch commands")
    .addOption(portOption("port of the gateway to start when none runs for the home (a running gateway's own port wins)"))
    .addHelpText(
      'after',
      [
        '',
        'It works through the running gateway\'s API; when none runs for the home it starts one in the background',
        '(it keeps running; stop it with: mcp-gateway stop). Diagnostics go to stderr only.',
        '',
        'In a client config: { "command": "mcp-gateway", "args": ["mcp"] }',
      ].join('\n'),
    )
    .action(async (_options: unknown, command: Command) => {
      const { runMcp } = await import('./commands/mcp.js');
      await runMcp(command.optsWithGlobals<McpOptions>());
    });

  program
    .command('token')
    .description('print the gateway token (kept in <home>/token across restarts; MCP_GATEWAY_TOKEN wins), or replace it with --rotate')
    .option('--rotate', 'make a new token; a running gateway refuses the old one at once (audited)')
    .action(async (_options: unknown, command: Command) => {
      const { showToken } = await import('./commands/token.js');
      await showToken(command.optsWithGlobals<TokenOptions>());
    });
}

function addAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('show the audit log, oldest first: server changes, clears, exports, imports, refused requests (from the running gateway, else from logs.db)')
    .option('--limit <count>', 'how many of the newest entries to show, 1 to 1000', parseLimit, 50)
    .option('--json', 'print a JSON array instead of a table')
    .action(async (_options: unknown, command: Command) => {
      const { showAudit } = await import('./commands/audit.js');
      await showAudit(command.optsWithGlobals<AuditOptions>());
    });
}

const CLIENTS = 'claude-desktop, claude-code, cursor, vscode, windsurf, zed, codex, gemini';

function addClientCommands(program: Command): void {
  program
    .command('import')
    .description("register the MCP servers of a client's config (dry run unless --apply), and with --rewrite point the client at the gateway")
    .argument('<client>', CLIENTS)
    .option('--apply', 'register the servers in <home>/mcp.json (without it, only show what would happen)')
    .option('--rewrite', "also rewrite the client's file so each imported server goes through the gateway (needs --apply; the original is backed up)")
    .option('--force', 'replace servers of the same name that are already registered')
    .option('--project <dir>', 'read project-scope files from this folder (default: the current folder)')
    .option('--file <path>', "read this file instead of the client's usual ones")
    .option('--no-start', 'with --rewrite: do not start a gateway in the background for a client that reaches it by URL')
    .addOption(portOption('gateway port for the proxy URLs, when no gateway is running'))
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  mcp-gateway import cursor                     # what would be imported, nothing changed',
        '  mcp-gateway import cursor --apply --rewrite   # register, and point Cursor at the gateway',
        '  mcp-gateway import claude-desktop --apply --rewrite',
        '  mcp-gateway restore cursor                    # put the original file back',
        '',
        'Clients that speak HTTP get the proxy URL; Claude Desktop, which only launches commands, gets',
        '`mcp-gateway connect <name>`. Headers and env move into mcp.json (0600); everything else in the',
        "client's file stays byte for byte. User-scope files are always read; project files from --project.",
      ].join('\n'),
    )
    .action(async (client: string, _options: unknown, command: Command) => {
      const { importClient } = await import('./commands/client-import.js');
      await importClient({ ...command.optsWithGlobals<Omit<ImportClientOptions, 'client'>>(), client });
    });

  program
    .command('restore')
    .description("put back a client's files as they were before `import --rewrite` (from <home>/backups)")
    .argument('[client]', CLIENTS)
    .option('--all', 'restore every client that was rewritten')
    .option('--force', 'restore even a file that changed since the rewrite (its current content is backed up first)')
    .action(async (client: string | undefined, _options: unknown, command: Command) => {
      const { restoreClient } = await import('./commands/restore.js');
      await restoreClient({ ...command.optsWithGlobals<Omit<RestoreOptions, 'client'>>(), client });
    });
}

function addBridgeCommands(program: Command): void {
  program
    .command('connect')
    .description("bridge stdio to a server through the gateway: JSON-RPC lines on stdin go to /s/<name>/mcp, its messages come back on stdout (for clients that only launch commands)")
    .argument('<name>', 'registered server name')
    .addOption(portOption("port of the gateway to start when none runs for the home (a running gateway's own port wins)"))
    .addHelpText(
      'after',
      [
        '',
        'Diagnostics go to stderr only. When no gateway runs for the home, connect starts one in the',
        'background on the same home (log: <home>/gateway.log); it keeps running after connect ends.',
        'Stop it with: mcp-gateway stop',
        '',
        'In a client config: { "command": "mcp-gateway", "args": ["connect", "files"] }',
        '(mcp-gateway import claude-desktop --apply --rewrite writes such entries, with absolute paths)',
      ].join('\n'),
    )
    .action(async (name: string, _options: unknown, command: Command) => {
      const { runConnect } = await import('./commands/connect.js');
      await runConnect({ ...command.optsWithGlobals<Omit<ConnectOptions, 'name'>>(), name });
    });

  program
    .command('stop')
    .description('stop the gateway running for the home (started by start, connect or demo); it drains in-flight requests first')
    .action(async (_options: unknown, command: Command) => {
      const { stopGateway } = await import('./commands/stop.js');
      await stopGateway(command.optsWithGlobals<GlobalOptions>());
    });
}

function addAlertCommands(program: Command): void {
  program
    .command('alerts')
    .description('drift and poisoning alerts: what changed in a server\'s definitions, what tried to steer an agent, and what to do (from the running gateway, else from logs.db)')
    .option('--server <name>', 'only alerts of this server')
    .addOption(new Option('--severity <level>', 'only alerts of this severity or higher').choices(['info', 'warning', 'high']))
    .addOption(new Option('--kind <kind>', 'only drift or only poisoning alerts').choices(['drift', 'poisoning']))
    .option('--since <when>', 'only alerts seen since: an age (12h, 7d), an ISO time or epoch ms', parseSince)
    .option('--limit <count>', 'how many of the newest alerts to show, 1 to 1000', parseLimit, 100)
    .option('--json', 'print the answer of GET /api/alerts as is: {"alerts": [...]}, newest first')
    .action(async (_options: unknown, command: Command) => {
      const { showAlerts } = await import('./commands/alerts.js');
      await showAlerts(command.optsWithGlobals<AlertsOptions>());
    });

  program
    .command('check')
    .description('exit 1 when there are alerts at --fail-on or above (a gate for CI after recording a session), else 0')
    .option('--server <name>', 'only alerts of this server')
    .addOption(new Option('--fail-on <level>', 'the lowest severity that fails the check').choices(['high', 'warning']).default('high'))
    .option('--since <when>', 'only alerts seen since: an age (12h, 7d), an ISO time or epoch ms', parseSince)
    .action(async (_options: unknown, command: Command) => {
      const { checkAlerts } = await import('./commands/alerts.js');
      await checkAlerts(command.optsWithGlobals<CheckOptions>());
    });

  const baseline = program.command('baseline').description("a server's trusted definitions, which later lists are compared with");
  baseline
    .command('accept')
    .description("take the server's most recent complete lists (initialize, tools, prompts, resources) as its baseline; recorded in the audit log")
    .argument('<server>', 'server name')
    .action(async (server: string, _options: unknown, command: Command) => {
      const { acceptBaseline } = await import('./commands/alerts.js');
      await acceptBaseline({ ...command.optsWithGlobals<Omit<BaselineOptions, 'server'>>(), server });
    });
}

function addFaultCommands(program: Command): void {
  const fault = program
    .command('fault')
    .description('fault rules: make a server slow, fail, hang, cut its streams or change its answers, to test how a client copes (stored in <home>/mcp.json)');
  fault
    .command('add')
    .description('add a rule; it acts on matching traffic at once (through the running gateway, else in mcp.json)')
    .argument('<server>', 'server name, or "*" for every server')
    .addOption(new Option('--action <type>', 'what to do').choices(['delay', 'error', 'toolError', 'hang', 'http', 'cut', 'reset', 'drop', 'rewrite', 'pause']).makeOptionMandatory())
    .option('--method <method>', 'only this method, exact ("tools/call") or a prefix ("tools/*"); for answers, the method they answer')
    .option('--tool <name>', 'only calls of this tool (and their answers)')
    .addOption(new Option('--direction <direction>', 'requests or answers (default: what the action acts on)').choices(['client_to_server', 'server_to_client']))
    .option('--session <id>', 'only this session')
    .option('--times <count>', 'fire this many times, then stop', parseCount)
    .option('--probability <p>', 'fire for this share of the matching messages (0 < p <= 1)', parseProbability)
    .option('--ttl <seconds>', 'stop firing this many seconds from now', parseSeconds)
    .option('--id <id>', 'the rule id (default: one is made up)')
    .option('--ms <ms>', 'delay: milliseconds', parseCount)
    .option('--jitter <ms>', 'delay: up to this many milliseconds more, at random', parseCount)
    .addOption(new Option('--on <side>', 'delay: the request (before the upstream) or the answer (before the client)').choices(['request', 'response']))
    .option('--code <code>', 'error: the JSON-RPC error code (default -32603)', parseWhole)
    .option('--message <text>', 'error: the error message')
    .option('--text <text>', 'toolError: the text of the isError result')
    .option('--status <status>', 'http: the HTTP status (429, 500, 503, 404, ...)', parseWhole)
    .option('--header <header>', 'http: a response header, "Name: value" (repeatable)', collectHeader)
    .option('--body <body>', 'http: the response body')
    .option('--after-events <count>', 'cut: close the SSE stream after this many events (default 0)', parseCount)
    .option('--patch <json>', 'rewrite: RFC 6902 operations on the JSON-RPC message, as a JSON array')
    .option('--timeout-ms <ms>', 'pause: continue unchanged after this long (default 60000)', parseCount)
    .option('--only-next', 'pause: hold only the next matching message')
    .option('--json', 'print the added rule as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  mcp-gateway fault add files --action delay --ms 2000 --tool read_file',
        '  mcp-gateway fault add api --action http --status 429 --header "Retry-After: 5" --times 3',
        '  mcp-gateway fault add api --action error --code -32603 --message "boom" --probability 0.2 --ttl 600',
        '  mcp-gateway fault add api --action cut --after-events 2 --tool long_task',
        '  mcp-gateway fault add api --action rewrite --method tools/list --patch \'[{"op":"replace","path":"/result/tools/0/description","value":"changed"}]\'',
        '  mcp-gateway fault add api --action pause --tool deploy --only-next   # then Continue, edit or Abort in the inspector',
        '',
        'Rules are off by default; while one is active the inspector shows a banner naming it. Every change is audited.',
      ].join('\n'),
    )
    .action(async (server: string, _options: unknown, command: Command) => {
      const { addFault } = await import('./commands/fault.js');
      await addFault({ ...command.optsWithGlobals<Omit<AddFaultOptions, 'server'>>(), server });
    });
  fault
    .command('list')
    .description('the rules, how often each fired (since the gateway started) and whether it is still active')
    .option('--json', 'print {"faults": [...]} as GET /api/faults answers')
    .action(async (_options: unknown, command: Command) => {
      const { listFaults } = await import('./commands/fault.js');
      await listFaults(command.optsWithGlobals<ListFaultsOptions>());
    });
  fault
    .command('remove')
    .alias('rm')
    .description('remove one rule')
    .argument('<id>', 'rule id, as fault list shows it')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { removeFault } = await import('./commands/fault.js');
      await removeFault({ ...command.optsWithGlobals<GlobalOptions>(), id });
    });
  fault
    .command('clear')
    .description('remove every rule: traffic passes untouched again')
    .action(async (_options: unknown, command: Command) => {
      const { clearFaults } = await import('./commands/fault.js');
      await clearFaults(command.optsWithGlobals<GlobalOptions>());
    });
}

function addFirstRunCommands(program: Command): void {
  program
    .command('demo')
    .description('register the demo server shipped with the gateway as "demo" (tools that answer, report progress, fail, take a second, return a large result; a resource; a prompt)')
    .option('--traffic', 'also drive a short scripted session through the gateway, starting one in the background if none runs')
    .option('--force', 'replace a server named "demo" that is not the demo')
    .addOption(portOption("port of the gateway to start for --traffic when none runs (a running gateway's own port wins)"))
    .action(async (_options: unknown, command: Command) => {
      const { runDemo } = await import('./commands/demo.js');
      await runDemo(command.optsWithGlobals<DemoOptions>());
    });

  // What the demo's mcp.json entry runs: the demo server on stdin/stdout.
  program.command('demo-server', { hidden: true }).action(async () => {
    const { runDemoServer } = await import('@mcp-gateway/gateway');
    await runDemoServer();
  });

  program
    .command('ui')
    .description("open the running gateway's inspector in the default browser, signed in (xdg-open, open or start); prints the link too")
    .action(async (_options: unknown, command: Command) => {
      const { openUi } = await import('./commands/ui.js');
      await openUi(command.optsWithGlobals<GlobalOptions>());
    });
}

/**
 * Usage errors as one line that names the fix. Commander's own messages may
 * span lines ("(Did you mean --port?)"), and do not say where help is.
 */
function installErrorOutput(command: Command): void {
  command.configureOutput({
    outputError: (message, write) => {
      const what = command.commands.length > 0 ? 'the commands' : 'the options';
      write(`${oneLine(message).replace(/\.$/, '')}. Run '${commandPath(command)} --help' for ${what}.\n`);
    },
  });
  for (const sub of command.commands) installErrorOutput(sub);
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
