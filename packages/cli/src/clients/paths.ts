import { posix, win32 } from 'node:path';
import type { ClientContext } from './types.js';

/** path.join for the context's platform, so a test on Linux can check the Windows and macOS paths. */
export function joinFor(context: ClientContext, ...parts: string[]): string {
  return (context.platform === 'win32' ? win32 : posix).join(...parts);
}

/** Where per-user application settings live: %APPDATA%, ~/Library/Application Support, or $XDG_CONFIG_HOME (~/.config). */
export function appDataDir(context: ClientContext): string {
  if (context.platform === 'win32') return context.env.APPDATA ?? joinFor(context, context.home, 'AppData', 'Roaming');
  if (context.platform === 'darwin') return joinFor(context, context.home, 'Library', 'Application Support');
  return xdgConfigDir(context);
}

/** $XDG_CONFIG_HOME, else ~/.config (what Zed uses on macOS too). */
export function xdgConfigDir(context: ClientContext): string {
  const configured = context.env.XDG_CONFIG_HOME;
  return configured && configured.startsWith('/') ? configured : joinFor(context, context.home, '.config');
}

/** A file in the user's home folder (~/.cursor/mcp.json, %USERPROFILE%\.cursor\mcp.json). */
export function inHome(context: ClientContext, ...parts: string[]): string {
  return joinFor(context, context.home, ...parts);
}

export function inProject(context: ClientContext, ...parts: string[]): string {
  return joinFor(context, context.project, ...parts);
}

/** A path for display: the home folder as ~. */
export function tildePath(file: string, home: string): string {
  return file === home || file.startsWith(`${home}/`) || file.startsWith(`${home}\\`) ? `~${file.slice(home.length)}` : file;
}
