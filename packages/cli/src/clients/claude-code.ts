import { inHome, inProject, joinFor } from './paths.js';
import { rewriteStandard, translateStandard, type StandardShape } from './standard.js';
import type { ClientAdapter, ClientContext, ConfigLocation } from './types.js';

const shape: StandardShape = {
  label: 'Claude Code',
  urlKeys: [{ key: 'url', transport: 'http' }],
  rewriteUrl: { key: 'url', type: 'http' },
  references: 'shell',
};

/** ~/.claude.json (or $CLAUDE_CONFIG_DIR/.claude.json): user servers at the top, each project's "local" ones under projects[<path>]. */
function userFile(context: ClientContext): string {
  const dir = context.env.CLAUDE_CONFIG_DIR;
  return dir ? joinFor(context, dir, '.claude.json') : inHome(context, '.claude.json');
}

function inClaudeJson(file: string, context: ClientContext, scope: 'user' | 'file'): ConfigLocation[] {
  return [
    { file, scope, container: ['mcpServers'] },
    { file, scope: 'local', container: ['projects', context.project, 'mcpServers'] },
  ];
}

export const claudeCode: ClientAdapter = {
  id: 'claude-code',
  label: 'Claude Code',
  format: 'json',
  speaksHttp: true,
  locations: (context) => [
    ...inClaudeJson(userFile(context), context, 'user'),
    { file: inProject(context, '.mcp.json'), scope: 'project', container: ['mcpServers'] },
  ],
  fileLocations: (file, context) => inClaudeJson(file, context, 'file'),
  translate: (raw, context) => translateStandard(raw, shape, context),
  rewrite: (raw, target, clientHeaders) => rewriteStandard(raw, target, clientHeaders, shape),
};
