// The gateway's version module alone, not its index, so `--version` and
// `--help` answer without loading the gateway (SQLite, Hono, secretlint: a few
// hundred ms). It reads the one version: the root package.json, or the
// published package's own.
export { VERSION as CLI_VERSION } from '@mcp-gateway/gateway/version';
