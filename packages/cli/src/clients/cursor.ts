import { inHome, inProject } from './paths.js';
import { rewriteStandard, translateStandard, type StandardShape } from './standard.js';
import type { ClientAdapter } from './types.js';

// Cursor detects the transport of a "url" itself; so does the gateway.
const shape: StandardShape = { label: 'Cursor', urlKeys: [{ key: 'url', transport: 'detect' }], rewriteUrl: { key: 'url' }, references: 'vscode' };

export const cursor: ClientAdapter = {
  id: 'cursor',
  label: 'Cursor',
  format: 'json',
  speaksHttp: true,
  locations: (context) => [
    { file: inHome(context, '.cursor', 'mcp.json'), scope: 'user', container: ['mcpServers'] },
    { file: inProject(context, '.cursor', 'mcp.json'), scope: 'project', container: ['mcpServers'] },
  ],
  fileLocations: (file) => [{ file, scope: 'file', container: ['mcpServers'] }],
  translate: (raw, context) => translateStandard(raw, shape, context),
  rewrite: (raw, target, clientHeaders) => rewriteStandard(raw, target, clientHeaders, shape),
};
