import { claudeCode } from './claude-code.js';
import { claudeDesktop } from './claude-desktop.js';
import { codex } from './codex.js';
import { cursor } from './cursor.js';
import { gemini } from './gemini.js';
import { vscode } from './vscode.js';
import { windsurf } from './windsurf.js';
import { zed } from './zed.js';
import { CLIENT_IDS, type ClientAdapter, type ClientId } from './types.js';

export const ADAPTERS: Record<ClientId, ClientAdapter> = {
  'claude-desktop': claudeDesktop,
  'claude-code': claudeCode,
  cursor,
  vscode,
  windsurf,
  zed,
  codex,
  gemini,
};

export function isClientId(name: string): name is ClientId {
  return (CLIENT_IDS as readonly string[]).includes(name);
}

export { CLIENT_IDS };
export type * from './types.js';
