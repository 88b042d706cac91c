import { appDataDir, inProject, joinFor, xdgConfigDir } from './paths.js';
import { rewriteStandard, translateStandard, type StandardShape } from './standard.js';
import type { ClientAdapter, ClientContext } from './types.js';

// settings.json is JSON with comments. Servers are "context_servers": a command
// ({"command": "...", "args": [...], "env": {...}}, or the older
// {"source": "custom", "command": {"path": ..., "args": ..., "env": ...}}), a
// remote {"url", "headers"}, or one an extension provides (not importable).
const shape: StandardShape = { label: 'Zed', urlKeys: [{ key: 'url', transport: 'detect' }], rewriteUrl: { key: 'url' }, references: 'literal' };

function settingsFile(context: ClientContext): string {
  return context.platform === 'win32' ? joinFor(context, appDataDir(context), 'Zed', 'settings.json') : joinFor(context, xdgConfigDir(context), 'zed', 'settings.json');
}

/** The older form's nested command, flattened to the current one. */
function normalized(raw: Record<string, unknown>): Record<string, unknown> {
  const command = raw.command;
  if (typeof command !== 'object' || command === null || Array.isArray(command)) return raw;
  const nested = command as Record<string, unknown>;
  return { ...raw, command: nested.path, args: nested.args, env: nested.env ?? undefined };
}

export const zed: ClientAdapter = {
  id: 'zed',
  label: 'Zed',
  format: 'json',
  speaksHttp: true,
  locations: (context) => [
    { file: settingsFile(context), scope: 'user', container: ['context_servers'] },
    { file: inProject(context, '.zed', 'settings.json'), scope: 'project', container: ['context_servers'] },
  ],
  fileLocations: (file) => [{ file, scope: 'file', container: ['context_servers'] }],
  translate: (raw, context) => {
    if (raw.source === 'extension') return { ok: false, reason: 'is provided by a Zed extension, which configures it itself' };
    return translateStandard(normalized(raw), shape, context);
  },
  rewrite: (raw, target, clientHeaders) => {
    const edit = rewriteStandard(raw, target, clientHeaders, shape);
    // "source": "custom" belongs to the command form it no longer has.
    if (raw.source === 'custom') edit.remove.push('source');
    return edit;
  },
};
