// The filter bar's grammar and meaning, shared by the inspector and the
// gateway's MCP server. Pure: no Node module, so the UI bundles it.
export * from './grammar.js';
export * from './terms.js';
export * from './target.js';
