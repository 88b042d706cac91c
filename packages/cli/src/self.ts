import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PORT } from './options.js';

/** This CLI's entry script, absolute and with symlinks resolved, for commands written into other programs' configs. */
export function cliEntry(): string {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  try {
    return realpathSync(main);
  } catch {
    return main;
  }
}

/** The mcp.json entry of the demo server: this CLI's hidden `demo-server` command, by absolute path. */
export function demoEntry(): { command: string; args: string[] } {
  return { command: process.execPath, args: [cliEntry(), 'demo-server'] };
}

/**
 * The command line that runs `mcp-gateway connect <name>` from anywhere: this
 * Node and this CLI by absolute path (a client such as Claude Desktop starts it
 * with a bare PATH), and --home/--port only when they are not the defaults.
 */
export function connectCommand(name: string, where: { home: string; port: number }): { command: string; args: string[] } {
  const defaultHome = join(homedir(), '.mcp-gateway');
  return {
    command: process.execPath,
    args: [
      cliEntry(),
      ...(where.home === defaultHome ? [] : ['--home', where.home]),
      'connect',
      name,
      ...(where.port === DEFAULT_PORT ? [] : ['--port', String(where.port)]),
    ],
  };
}
