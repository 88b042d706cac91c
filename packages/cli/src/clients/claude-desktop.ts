import { appDataDir, joinFor } from './paths.js';
import { rewriteStandard, translateStandard, type StandardShape } from './standard.js';
import type { ClientAdapter } from './types.js';

// Its local config launches commands only (remote servers are added as Connectors
// in the app), so a rewritten entry runs `mcp-gateway connect <name>`.
const shape: StandardShape = { label: 'Claude Desktop', urlKeys: [], rewriteUrl: { key: 'url' }, references: 'literal' };

export const claudeDesktop: ClientAdapter = {
  id: 'claude-desktop',
  label: 'Claude Desktop',
  format: 'json',
  speaksHttp: false,
  // No official Linux build; community builds use ~/.config/Claude.
  locations: (context) => [{ file: joinFor(context, appDataDir(context), 'Claude', 'claude_desktop_config.json'), scope: 'user', container: ['mcpServers'] }],
  fileLocations: (file) => [{ file, scope: 'file', container: ['mcpServers'] }],
  translate: (raw, context) => translateStandard(raw, shape, context),
  rewrite: (raw, target, clientHeaders) => rewriteStandard(raw, target, clientHeaders, shape),
};
