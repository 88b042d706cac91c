import { inHome, inProject } from './paths.js';
import { rewriteStandard, translateStandard, type StandardShape } from './standard.js';
import type { ClientAdapter } from './types.js';

// "httpUrl" is Streamable HTTP, "url" is SSE (newer builds also take "type": "http" with "url").
const shape: StandardShape = {
  label: 'Gemini CLI',
  urlKeys: [
    { key: 'httpUrl', transport: 'http' },
    { key: 'url', transport: 'sse' },
  ],
  rewriteUrl: { key: 'httpUrl' },
  references: 'shell-bare',
};

export const gemini: ClientAdapter = {
  id: 'gemini',
  label: 'Gemini CLI',
  format: 'json',
  speaksHttp: true,
  locations: (context) => [
    { file: inHome(context, '.gemini', 'settings.json'), scope: 'user', container: ['mcpServers'] },
    { file: inProject(context, '.gemini', 'settings.json'), scope: 'project', container: ['mcpServers'] },
  ],
  fileLocations: (file) => [{ file, scope: 'file', container: ['mcpServers'] }],
  translate: (raw, context) => translateStandard(raw, shape, context),
  rewrite: (raw, target, clientHeaders) => rewriteStandard(raw, target, clientHeaders, shape),
};
