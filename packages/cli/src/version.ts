import { readFileSync } from 'node:fs';

// Read from this package's package.json (../package.json from src and dist alike)
// rather than the gateway's VERSION export, so `--version` and `--help` answer
// without loading the gateway (SQLite, Hono, secretlint: a few hundred ms).
export const CLI_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
