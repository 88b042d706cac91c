import { sep as hostSep } from 'node:path';
import type { ClientContext } from './types.js';

/**
 * How a client writes references to variables in its config, and how each
 * becomes the gateway's own `${env:NAME}`, so a secret the client read from its
 * environment is read from the gateway's instead of being copied into mcp.json.
 *
 * - literal: Claude Desktop, Zed, Codex: values are used as written.
 * - vscode: Cursor, VS Code, Windsurf: `${env:NAME}` (the gateway's syntax too),
 *   `${userHome}`, `${workspaceFolder}` and friends (filled in here), and
 *   references only the client can answer (`${input:id}` prompts the user).
 * - shell: Claude Code `${VAR}` and `${VAR:-default}`; Gemini also `$VAR`.
 */
export type ReferenceStyle = 'literal' | 'vscode' | 'shell' | 'shell-bare';

export interface Translated {
  value: string;
  /** References the gateway cannot resolve (`${input:token}`). */
  clientOnly: string[];
  /** Variables now read from the gateway's environment. */
  env: string[];
  notes: string[];
}

const VSCODE_REFERENCE = /\$\{([^}]*)\}/g;
const SHELL_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g;
const SHELL_BARE = /\$([A-Za-z_][A-Za-z0-9_]*)/g;

export function translateReferences(value: string, style: ReferenceStyle, context: ClientContext): Translated {
  const result: Translated = { value, clientOnly: [], env: [], notes: [] };
  if (style === 'literal') return result;
  if (style === 'vscode') {
    result.value = value.replace(VSCODE_REFERENCE, (whole, inner: string) => {
      if (inner.startsWith('env:')) {
        result.env.push(inner.slice(4));
        return whole;
      }
      const known = predefined(inner, context);
      if (known !== undefined) return known;
      result.clientOnly.push(whole);
      return whole;
    });
    return result;
  }
  let text = value.replace(SHELL_REFERENCE, (_whole, name: string, fallback: string | undefined) => {
    result.env.push(name);
    if (fallback) result.notes.push(`\${${name}${fallback}}: mcp.json has no default values, the gateway needs ${name} set`);
    return `\${env:${name}}`;
  });
  if (style === 'shell-bare') {
    // `$VAR` outside the `${env:...}` just written.
    text = text.replace(SHELL_BARE, (whole, name: string, offset: number, all: string) => {
      if (all[offset + 1] === '{') return whole;
      result.env.push(name);
      return `\${env:${name}}`;
    });
  }
  result.value = text;
  return result;
}

/** VS Code's predefined variables that do not depend on an open editor. */
function predefined(name: string, context: ClientContext): string | undefined {
  const separator = context.platform === 'win32' ? '\\' : context.platform === process.platform ? hostSep : '/';
  switch (name) {
    case 'userHome':
      return context.home;
    case 'workspaceFolder':
    case 'workspaceRoot':
      return context.project;
    case 'workspaceFolderBasename':
      return context.project.split(/[\\/]/).filter(Boolean).pop() ?? '';
    case 'pathSeparator':
    case '/':
      return separator;
    default:
      return undefined;
  }
}
