#!/usr/bin/env node
import { run } from './run.js';

// Every file the CLI creates (mcp.json, logs.db, exports) is private to the user:
// they hold upstream credentials and recorded traffic.
process.umask(0o077);

// `mcp-gateway logs export | head`: the reader leaving early is normal, not a crash.
// Commands that stream check the stream themselves and stop writing.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await run(process.argv.slice(2));
