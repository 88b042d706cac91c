import { appDataDir, inProject, joinFor } from './paths.js';
import { rewriteStandard, translateStandard, type StandardShape } from './standard.js';
import type { ClientAdapter } from './types.js';

// "servers" plus "inputs" (prompted values, kept as they are); the file is JSONC.
const shape: StandardShape = { label: 'VS Code', urlKeys: [{ key: 'url', transport: 'http' }], rewriteUrl: { key: 'url', type: 'http' }, references: 'vscode' };

export const vscode: ClientAdapter = {
  id: 'vscode',
  label: 'VS Code',
  format: 'json',
  speaksHttp: true,
  locations: (context) => [
    { file: joinFor(context, appDataDir(context), 'Code', 'User', 'mcp.json'), scope: 'user', container: ['servers'] },
    { file: inProject(context, '.vscode', 'mcp.json'), scope: 'project', container: ['servers'] },
  ],
  fileLocations: (file) => [{ file, scope: 'file', container: ['servers'] }],
  translate: (raw, context) => translateStandard(raw, shape, context),
  rewrite: (raw, target, clientHeaders) => rewriteStandard(raw, target, clientHeaders, shape),
};
