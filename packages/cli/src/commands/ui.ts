import { spawn } from 'node:child_process';
import { findRunningGateway, homePaths, resolveHome } from '@mcp-gateway/gateway';
import { CliError } from '../errors.js';
import type { GlobalOptions } from '../options.js';
import { say } from '../output.js';

/** The platform's "open with the default browser" command. */
function opener(link: string): { command: string; args: string[] } {
  if (process.platform === 'darwin') return { command: 'open', args: [link] };
  // start is a cmd built-in; the empty argument (passed as "") is the window title it would otherwise take the link for.
  if (process.platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '', link.replace(/&/g, '^&')] };
  return { command: 'xdg-open', args: [link] };
}

/** Starts the opener detached; resolves false when there is none (ENOENT) or it could not run. */
function open(link: string): Promise<boolean> {
  const { command, args } = opener(link);
  return new Promise((resolve) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}

/** Opens the running gateway's inspector, signed in (the token rides in the fragment), and prints the link. */
export async function openUi(options: GlobalOptions): Promise<void> {
  const home = resolveHome(options.home);
  const running = await findRunningGateway(homePaths(home).runtime);
  if (!running) throw new CliError(`no gateway is running for ${home}; start one with: mcp-gateway start   (or: mcp-gateway demo --traffic)`);
  const link = `${running.url}/ui/#token=${running.token}`;
  if (await open(link)) {
    say(`Opened the inspector in your browser: ${link}`);
  } else {
    say(`No browser opener (${opener(link).command}) was found; open this link yourself: ${link}`);
  }
}
