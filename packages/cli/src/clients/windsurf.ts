import { inHome } from './paths.js';
import { rewriteStandard, translateStandard, type StandardShape } from './standard.js';
import type { ClientAdapter } from './types.js';

// Windsurf's key is "serverUrl" (its guides say "url" fails); older entries may still have "url".
const shape: StandardShape = {
  label: 'Windsurf',
  urlKeys: [
    { key: 'serverUrl', transport: 'detect' },
    { key: 'url', transport: 'detect' },
  ],
  rewriteUrl: { key: 'serverUrl' },
  references: 'vscode',
};

export const windsurf: ClientAdapter = {
  id: 'windsurf',
  label: 'Windsurf',
  format: 'json',
  speaksHttp: true,
  locations: (context) => [{ file: inHome(context, '.codeium', 'windsurf', 'mcp_config.json'), scope: 'user', container: ['mcpServers'] }],
  fileLocations: (file) => [{ file, scope: 'file', container: ['mcpServers'] }],
  translate: (raw, context) => translateStandard(raw, shape, context),
  rewrite: (raw, target, clientHeaders) => rewriteStandard(raw, target, clientHeaders, shape),
};
