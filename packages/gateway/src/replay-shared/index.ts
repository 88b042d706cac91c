// The parts of replay the inspector needs too: which methods the gateway
// re-sends, what a request names, and the JSON paths a diff or a
// redacted_params error is written with. Pure: no Node module, so the UI
// bundles it (`@mcp-gateway/gateway/replay-shared`) and both sides agree.
export * from './methods.js';
export * from './json-path.js';
