import type { ServerEntry } from '@mcp-gateway/gateway';

export const CLIENT_IDS = ['claude-desktop', 'claude-code', 'cursor', 'vscode', 'windsurf', 'zed', 'codex', 'gemini'] as const;
export type ClientId = (typeof CLIENT_IDS)[number];

/** Where a client keeps servers: the user's own file, a project's, or Claude Code's per-project part of ~/.claude.json. */
export type Scope = 'user' | 'project' | 'local' | 'file';

/** One place in one file that holds a client's servers. */
export interface ConfigLocation {
  file: string;
  scope: Scope;
  /** Keys from the document's root to the object whose members are the servers. */
  container: string[];
}

/** What the client's folders are on this machine: paths are built for `platform`, so tests can ask for macOS or Windows. */
export interface ClientContext {
  platform: NodeJS.Platform;
  /** The user's home folder. */
  home: string;
  env: NodeJS.ProcessEnv;
  /** The project folder (--project, else the current folder), absolute. */
  project: string;
}

/** A server as the gateway would register it, or why it cannot be. */
export type Translation =
  | {
      ok: true;
      entry: ServerEntry;
      /** Headers that only the client can fill in (`${input:...}`): they stay in the client's entry, the gateway forwards them. */
      clientHeaders: Record<string, string>;
      /** Variables the gateway must have in its environment for `${env:NAME}` in the entry. */
      needsEnv: string[];
      notes: string[];
    }
  | { ok: false; reason: string };

/** How a rewritten entry reaches the gateway. */
export type RewriteTarget = { kind: 'url'; url: string } | { kind: 'command'; command: string; args: string[] };

/** Changes to one entry: keys removed, keys set; every other key is left as it is. */
export interface EntryEdit {
  remove: string[];
  set: Record<string, unknown>;
}

export interface ClientAdapter {
  id: ClientId;
  /** As people call it: "Claude Desktop". */
  label: string;
  format: 'json' | 'toml';
  /** Its files, in the order the client reads them. */
  locations(context: ClientContext): ConfigLocation[];
  /** For `--file PATH`: the places in that one file. */
  fileLocations(file: string, context: ClientContext): ConfigLocation[];
  /** The client's entry in the gateway's terms. */
  translate(raw: Record<string, unknown>, context: EntryContext): Translation;
  /** Clients that can reach a URL get the proxy URL; the others a command that runs `connect`. */
  speaksHttp: boolean;
  /** The edit that points the entry at the gateway, keeping what the client alone can fill in. */
  rewrite(raw: Record<string, unknown>, target: RewriteTarget, clientHeaders: Record<string, string>): EntryEdit;
}

export interface EntryContext extends ClientContext {
  location: ConfigLocation;
}
